"""Every chapter in a real JupyterLab, as a Binder reader meets it.

JupyterLab runs from the reader's environment ($DOWNHILL_READER_ENV, the virtual environment
`scripts/binder_check.sh` makes from `binder/`), serving a scratch copy of the chapters (Run
All would otherwise save new outputs over the committed ones). Headless Chromium opens each
chapter, runs all cells through the menu, and then moves every live ipywidgets slider with
the keyboard: the slider's value, its readout and the figure must change. No cell may show
an error or write to stderr. The notebooks' printed outputs are compared by the nbval stage;
this test proves the live path: kernel, widget manager, widget JavaScript and callbacks.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tests.site.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, toc_files

READER_ENV = os.environ.get("DOWNHILL_READER_ENV", "")
NOTEBOOKS = [p for p in toc_files() if p.startswith("chapters/")]
RUN_TIMEOUT_MS = 180_000
WAIT_MS = 120_000  # generous: CI machines can be busy
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension:tracker": {
        "windowingMode": "none", "autoStartDefaultKernel": True,
    },
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false"},
}

# A slider handle, its readout, and the figure and note of the same interactive figure.
STATE = """(handle) => {
  const box = handle.closest('.widget-vbox');
  const slider = handle.closest('.widget-slider');
  return {value: handle.getAttribute('aria-valuenow'), max: handle.getAttribute('aria-valuemax'),
          readout: slider.querySelector('.widget-readout').textContent,
          img: (box.querySelector('.widget-image') || {}).src || '',
          note: [...box.querySelectorAll('.widget-html')].map(e => e.textContent).join('|')};
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server from the reader's environment on 127.0.0.1."""
    jupyter = Path(READER_ENV) / "bin" / "jupyter"
    if not jupyter.exists():
        pytest.fail(
            "set DOWNHILL_READER_ENV to the reader's environment with JupyterLab "
            "(scripts/binder_check.sh makes it and runs this test)"
        )
    work = tmp_path_factory.mktemp("lab")
    for folder in {Path(p).parent for p in NOTEBOOKS}:
        (work / folder).mkdir(parents=True, exist_ok=True)
    for p in NOTEBOOKS:  # without outputs: every prompt and output seen is from this run
        nb = nbformat.read(ROOT / f"{p}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(nb, work / f"{p}.ipynb")
    port, token = _free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "JUPYTER_PATH")}
    env["JUPYTER_CONFIG_DIR"] = str(work / ".jupyter-config")  # no user settings
    env["JUPYTER_DATA_DIR"] = str(work / ".jupyter-data")  # only the env's kernel
    # the test's own JupyterLab settings: every cell stays in the page (no windowing, so
    # all prompts and sliders can be read), the notebook's kernel starts without asking,
    # and no news prompt
    settings = work / ".lab-settings"
    env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
    for plugin, value in LAB_SETTINGS.items():
        f = settings / f"{plugin.replace(':', '/')}.jupyterlab-settings"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(value))
    log = (work / "lab.log").open("w")
    proc = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--allow-root", f"--port={port}",
         f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.root_dir={work}", "--LabApp.news_url=",
         "--ServerApp.port_retries=0"],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=work,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (work / "lab.log").read_text())
                time.sleep(0.3)
        yield base, token
    finally:
        proc.terminate()  # the server shuts its kernels down
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.mark.parametrize("rel", NOTEBOOKS)
def test_run_all_and_move_every_slider(lab, chromium, rel):
    base, token = lab
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda e: page_errors.append(str(e)))
    try:
        workspace = rel.replace("/", "-")
        page.goto(f"{base}/lab/workspaces/{workspace}/tree/{rel}.ipynb?token={token}&reset")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=WAIT_MS)
        # the kernel is up and idle before anything runs (JupyterLab may first ask which
        # kernel to start: its default, the environment's Python 3, is the one)
        page.wait_for_selector(
            ".jp-NotebookPanel [data-status='idle'], .jp-Dialog .jp-mod-accept", timeout=WAIT_MS
        )
        if page.locator(".jp-Dialog .jp-mod-accept").count():
            page.locator(".jp-Dialog .jp-mod-accept").click()
        page.wait_for_selector(".jp-NotebookPanel [data-status='idle']", timeout=WAIT_MS)
        page.locator(".jp-NotebookPanel .jp-Cell").first.click()  # the notebook is active
        page.locator(".lm-MenuBar-item:has(.lm-MenuBar-itemLabel:text-is('Run'))").click()
        page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()  # Run All Cells
        n_code = page.locator(".jp-CodeCell").count()
        # every code cell has run (a number in its prompt) and none is still running
        page.wait_for_function(
            """(n) => {
              const ps = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
              return ps.length === n && ps.every(p => /\\[\\d+\\]/.test(p.textContent));
            }""",
            arg=n_code, timeout=RUN_TIMEOUT_MS,
        )
        page.wait_for_selector(".jp-NotebookPanel [data-status='idle']", timeout=WAIT_MS)
        bad = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        )
        assert bad.count() == 0, f"{rel}: error or stderr output:\n" + "\n---\n".join(
            bad.all_inner_texts()[:3]
        )
        handles = page.locator(".widget-slider .noUi-handle")
        n_sliders = handles.count()
        if rel.startswith("chapters/"):
            assert n_sliders, f"{rel}: no live slider rendered (widget JavaScript missing?)"
        for i in range(n_sliders):
            handle = handles.nth(i)
            handle.scroll_into_view_if_needed()
            before = handle.evaluate(STATE)
            key = "ArrowRight" if before["value"] != before["max"] else "ArrowLeft"
            handle.focus()
            page.keyboard.press(key)
            # the kernel's callback swaps the frame and the note
            page.wait_for_function(
                f"([h, b]) => {{ const s = ({STATE})(h); return s.value !== b.value && "
                "s.img !== b.img && s.readout !== b.readout; }",
                arg=[handle.element_handle(), before], timeout=WAIT_MS,
            )
        assert not page_errors, f"{rel}: {page_errors}"
        assert bad.count() == 0, f"{rel}: a slider's callback wrote an error"
    finally:
        context.close()
