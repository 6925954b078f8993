#!/usr/bin/env python3
"""The page in WebKitGTK (Safari's engine): Debian's MiniBrowser driven by WebKitWebDriver
(webkit2gtk-driver) through python3-selenium, in a window under Xvfb. The same smoke test as
Firefox's (ready, test digit 0's loss against the native core's, a mouse stroke, Space trains in
the Web Worker, S trains one batch, Escape gives the keyboard back, no page errors), first on a
plain server, then on a cross-origin isolated one: WebKitGTK says crossOriginIsolated there but
has no SharedArrayBuffer, so the page must fall back to the single-thread build (saying why in
state().threadsFallback) and train.

usage: xvfb-run python3 webkit.py WEB_DIR REFERENCE_JSON SCREENSHOT_DIR"""
import json
import os
import re
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.keys import Keys

MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)


def serve(web_dir, isolated):
    args = [sys.executable, os.path.join(ROOT, "tools", "serve.py"), web_dir, "--port", "0", "--quiet"]
    if not isolated:
        args.append("--no-isolation")
    server = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not m:
        server.kill()
        sys.exit(f"webkit.py: serve.py did not start: {line}")
    return server, m.group(0)


def state(driver):
    return driver.execute_script("try { return aelab.state(); } catch (e) { return {ready: false}; }")


def until(driver, fn, timeout_s):
    end = time.time() + timeout_s
    while time.time() < end:
        s = state(driver)
        if s.get("ready") and fn(s):
            return s
        time.sleep(0.25)
    return None


def smoke(driver, url, reference, shot, label):
    driver.get(url)
    driver.execute_script("try { localStorage.setItem('aelab-tour-seen', '1'); } catch (e) {}")
    driver.get(url)  # again, as a returning visitor (no tour)
    s = until(driver, lambda st: st["testSet"]["status"] == "ready", 120)
    check(f"{label}: the lab becomes ready with its test set", s is not None,
          f"{s['script']}, crossOriginIsolated {s['crossOriginIsolated']}, threadsFallback {s['threadsFallback']}"
          if s else json.dumps(state(driver))[:300])
    if not s:
        return None
    loss = driver.execute_async_script(
        "const done = arguments[arguments.length - 1]; aelab.loadTestDigit(0);"
        "setTimeout(() => done(aelab.state().inputLoss), 500);")
    check(f"{label}: test digit 0's loss matches the native core within 1e-3",
          abs(loss - reference["loss"]) <= 1e-3, f"WebKit {loss:.10f}, native {reference['loss']:.10f}")
    driver.execute_script("aelab.setInput(new Array(784).fill(0));")
    time.sleep(0.3)
    c = state(driver)["drawCanvas"]
    at = [(c["x"] + fx * c["w"], c["y"] + fy * c["h"]) for fx, fy in
          [(0.35, 0.2), (0.6, 0.2), (0.62, 0.35), (0.45, 0.55), (0.4, 0.8)]]
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(at[0][0]), int(at[0][1])).pointer_down()
    for x, y in at[1:]:
        actions.pointer_action.move_to_location(int(x), int(y))
    actions.pointer_action.pointer_up()
    actions.perform()
    s = until(driver, lambda st: not st["inputEmpty"], 5)
    check(f"{label}: a mouse stroke becomes the input", s is not None, f"loss {s['inputLoss']:.4f}" if s else "")
    click = ActionBuilder(driver)
    height = driver.execute_script("return window.innerHeight")
    click.pointer_action.move_to_location(5, height - 5).click()  # into the lab: the canvas takes the keys
    click.perform()
    focus = driver.execute_script("return document.activeElement && document.activeElement.id")
    check(f"{label}: a click into the lab gives it the keyboard", focus == "canvas", f"focus on {focus}")
    ActionChains(driver).send_keys(Keys.SPACE).perform()
    s = until(driver, lambda st: st["training"] and st["step"] > 5, 90)
    now = state(driver)
    check(f"{label}: Space starts training", s is not None,
          f"step {s['step']}, host {s['trainingHost']}" if s else json.dumps(now.get("trainSet")))
    ActionChains(driver).send_keys(Keys.SPACE).perform()
    s = until(driver, lambda st: not st["training"] and st["settled"], 30)
    check(f"{label}: Space pauses it", s is not None)
    before = s["step"] if s else 0
    ActionChains(driver).send_keys("s").perform()
    s = until(driver, lambda st: st["step"] == before + 1 and st["settled"], 30)
    check(f"{label}: S trains one batch", s is not None, f"step {before} -> {s['step']}" if s else "")
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    focus = driver.execute_script("return document.activeElement && document.activeElement.id")
    check(f"{label}: Escape gives the keyboard back to the page", focus != "canvas", f"focus on {focus or 'the page'}")
    driver.save_screenshot(shot)
    # the AE vs VAE tab, by a click: its two trained models fetched and drawn with no input
    tab = state(driver)["widgets"]["view:compare"]
    click = ActionBuilder(driver)
    click.pointer_action.move_to_location(int(tab["x"] + tab["w"] / 2), int(tab["y"] + tab["h"] / 2)).click()
    click.perform()
    s = until(driver, lambda st: st["view"] == "compare" and st["compare"]["ae"]["drawn"] and st["compare"]["vae"]["drawn"], 60)
    check(f"{label}: the AE vs VAE tab draws both trained models", s is not None,
          "" if s else json.dumps(state(driver).get("compare")))
    driver.save_screenshot(shot.replace(".png", "-compare.png"))
    # the Feature maps tab: "Build a convolutional model...", answered, then its every layer
    def press(r):
        a = ActionBuilder(driver)
        a.pointer_action.move_to_location(int(r["x"] + r["w"] / 2), int(r["y"] + r["h"] / 2)).click()
        a.perform()
    press(state(driver)["widgets"]["view:features"])
    s = until(driver, lambda st: st["view"] == "features" and "build-conv" in st["widgets"], 10)
    if s:
        press(s["widgets"]["build-conv"])
    s = until(driver, lambda st: st["question"] is not None, 5)
    if s:
        press(s["widgets"]["discard:do"])
    s = until(driver, lambda st: st["model"]["kind"] == "conv" and st["settled"], 20)
    maps = driver.execute_script("return aelab.featureMaps().length") if s else 0
    check(f"{label}: the Feature maps tab builds a conv model, and featureMaps() gives its 14 layers",
          s is not None and maps == 14, f"{maps} layers" if s else json.dumps(state(driver).get("model")))
    driver.save_screenshot(shot.replace(".png", "-features.png"))
    errors = state(driver)["pageErrors"]
    return errors


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    web_dir, reference_path, shot_dir = sys.argv[1:]
    reference = json.load(open(reference_path))
    os.makedirs(shot_dir, exist_ok=True)
    options = webdriver.WebKitGTKOptions()
    options.binary_location = MINIBROWSER
    options.add_argument("--automation")
    options.add_argument("--geometry=1280x800")
    driver = webdriver.WebKitGTK(executable_path="/usr/bin/WebKitWebDriver", options=options)
    try:
        driver.set_window_size(1280, 800)
        plain, url = serve(web_dir, isolated=False)
        try:
            errors = smoke(driver, url, reference, os.path.join(shot_dir, "webkit-1280x800.png"), "WebKit")
            if errors is not None:
                check("WebKit: no page errors", not errors, " | ".join(errors))
        finally:
            plain.kill()
        isolated, url = serve(web_dir, isolated=True)
        try:
            errors = smoke(driver, url, reference, os.path.join(shot_dir, "webkit-isolated.png"),
                           "WebKit, isolated server")
            s = state(driver)
            check("WebKit, isolated server: the single-thread build, saying why", s.get("script") == "aelab.js" and
                  bool(s.get("threadsFallback")), f"{s.get('script')}: {s.get('threadsFallback')}")
            if errors is not None:
                # the fallback's own line is the one expected
                others = [e for e in errors if e != s.get("threadsFallback")]
                check("WebKit, isolated server: no other page errors", not others, " | ".join(others))
        finally:
            isolated.kill()
    except Exception as e:  # noqa: BLE001 - a failed run is a failed check, with what happened
        check("the WebKit smoke test ran to the end", False, repr(e))
    finally:
        driver.quit()
    print(f"{results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
