"""Site hygiene for the Downhill book (a local Sphinx extension).

* Removes the Thebe scripts: the book has no Thebe button, and sphinx-thebe emits its
  config script twice, which is a JavaScript error on every page
  ("Identifier 'THEBE_JS_URL' has already been declared").
* Removes the embedded ipywidgets state: the book shows the kernel-free HTML version of
  every interactive figure, so the live widgets' state is dead weight.
* Drops any other script included twice.
"""

from __future__ import annotations


def _keep(script) -> bool:
    filename = getattr(script, "filename", None) or str(script)
    attrs = getattr(script, "attributes", {}) or {}
    body = attrs.get("body", "")
    if "thebe" in filename.lower() or "THEBE" in body:
        return False
    if attrs.get("type") == "application/vnd.jupyter.widget-state+json":
        return False
    return True


def _clean_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for s in scripts:
        key = (getattr(s, "filename", None) or str(s), repr(getattr(s, "attributes", {})))
        if key in seen or not _keep(s):
            continue
        seen.add(key)
        kept.append(s)
    scripts[:] = kept


def setup(app):
    app.connect("html-page-context", _clean_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
