"""The JavaScript of the kernel-free pages (gdlib/js/*.js): valid, embedded verbatim, and
doing what it should, run in node against a small stand-in for the page's DOM.

The browser tests (tests/site) drive the same scripts in Chromium on the built book;
these run without a build, in a second.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gdlib._assets import script
from gdlib.exercises import _fnv1a, quiz
from gdlib.widgets import explore

JS_DIR = Path(__file__).resolve().parents[1] / "gdlib" / "js"
SCRIPTS = sorted(JS_DIR.glob("*.js"))
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

# A minimal DOM: elements with attributes, dataset, textContent, listeners; enough for the
# two scripts, which use getElementById, querySelector(All), addEventListener.
FAKE_DOM = r"""
function El(attrs){this.attrs=attrs||{};this.dataset={};this.listeners={};
  this.textContent="";this.hidden=true;this.value=this.attrs.value;}
El.prototype.getAttribute=function(k){return this.attrs[k];};
El.prototype.setAttribute=function(k,v){this.attrs[k]=String(v);};
El.prototype.addEventListener=function(t,f){(this.listeners[t]=this.listeners[t]||[]).push(f);};
El.prototype.fire=function(t){(this.listeners[t]||[]).forEach(function(f){f();});};
"""


def run_node(code: str) -> str:
    res = subprocess.run(["node", "-e", code], capture_output=True, text=True, timeout=30)
    assert res.returncode == 0, res.stderr
    return res.stdout


@needs_node
@pytest.mark.parametrize("path", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_every_script_is_valid_javascript(path):
    res = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_every_script_is_used_and_has_one_placeholder_for_the_id(path):
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "__UID__" in text
    assert "</script" not in text  # it is embedded inside a <script> element
    assert script(path.stem) == text[:-1]


def _explorer():
    def setup(fig):
        ax = fig.subplots()
        ax.set(xlim=(0, 1), ylim=(0, 4))
        (line,) = ax.plot([], [])

        def update(a, b):
            line.set_data([0, 1], [b, a])
            return [line]

        return update

    return explore(setup, a=[1, 2, 3], b=[0.0, 0.5], alt=lambda a, b: f"alt {a} {b}",
                   readout=lambda a, b: f"a={a} b={b}", figsize=(1.0, 0.8), dpi=20)


@needs_node
def test_explorer_script_swaps_frame_alt_readout_and_value_text():
    ex = _explorer()
    page = ex.to_html()
    uid = ex.uid()
    data = re.search(r'<script type="application/json" class="gdx-data">(.*?)</script>',
                     page, re.S).group(1)
    js = re.search(r"<script>(\(function.*?)</script>", page, re.S).group(1)
    start = ex.flat(ex.start_index)
    code = FAKE_DOM + f"""
var data={json.dumps(data)};
var img=new El({{src:"START"}});img.dataset.frame="{start}";
var ins=[new El({{value:"0"}}),new El({{value:"0"}})];
var outs=[new El(),new El()];var ro=new El();
var root=new El();
root.querySelector=function(s){{
  if(s==="script.gdx-data")return {{textContent:data}};
  if(s==="img")return img; if(s===".gdx-readout")return ro; return null;}};
root.querySelectorAll=function(s){{return s==="output"?outs:ins;}};
var document={{getElementById:function(id){{return id==="{uid}"?root:null;}}}};
{js}
{js}
ins[0].value="2";ins[1].value="1";ins[0].fire("input");
console.log(JSON.stringify([img.src,img.alt,img.dataset.frame,ro.textContent,
  outs[0].textContent,outs[1].textContent,ins[0].attrs["aria-valuetext"],
  ins[0].listeners.input.length]));
ins[0].value=String({ex.start_index[0]});ins[1].value=String({ex.start_index[1]});
ins[1].fire("input");console.log(img.src);
"""
    lines = run_node(code).splitlines()
    src, alt, frame, readout, out0, out1, valuetext, listeners = json.loads(lines[0])
    k = ex.flat((2, 1))
    frames = json.loads(data)["frames"]
    assert src == frames[k] and frame == k
    assert alt == ex.alts[k] == "alt 3 0.5" and readout == "a=3 b=0.5"
    assert (out0, out1) == ("3", "0.5") and valuetext == "a = 3"
    assert listeners == 1  # the script ran twice; the second run did nothing
    assert lines[1] == "START"  # back at the start: the frame that was inline in the <img>


@needs_node
def test_quiz_script_checks_the_answer_by_its_hash():
    q = quiz("Which?", ["one", "two", "three"], answer=1, explanation="Because.")
    page = q._repr_html_()
    uid = re.search(r'id="(gdq-[0-9a-f]+)"', page).group(1)
    key = re.search(r'data-key="([0-9a-f]{8})"', page).group(1)
    assert key == _fnv1a(f"{uid}:1")
    js = re.search(r"<script>(\(function.*?)</script>", page, re.S).group(1)
    code = FAKE_DOM + f"""
var fb=new El(),ex=new El(),btn=new El(),checked=null;
var f=new El();f.dataset.key="{key}";
f.querySelector=function(s){{if(s===".gdq-feedback")return fb;if(s===".gdq-explanation")
  return ex;if(s===".gdq-check")return btn;return checked;}};
var document={{getElementById:function(id){{return id==="{uid}"?f:null;}}}};
{js}
var out=[];btn.fire("click");out.push([fb.textContent,ex.hidden]);
checked=new El({{value:"0"}});btn.fire("click");out.push([fb.textContent,ex.hidden]);
checked.value="1";btn.fire("click");out.push([fb.textContent,ex.hidden]);
console.log(JSON.stringify(out));
"""
    out = json.loads(run_node(code))
    assert out[0] == ["Choose an answer first.", True]
    assert out[1] == ["Not quite: try another answer.", True]
    assert out[2] == ["Correct.", False]
