"""Answers stay hidden until asked, in the built site (issue 15 A).

For every chapter page of the built book:

1. every solution is collapsed: sphinx-exercise renders `:::{solution}` with `:class:
   dropdown` as an admonition with the classes `solution` and `dropdown`, which
   sphinx-togglebutton collapses (or as a closed `<details>`);
2. no value glued *only for a solution* appears in the visible text outside the collapsed
   solutions, after the Exercises heading. A value is "only for a solution" when a glue
   name is used inside `:::{solution}` blocks of the notebook and nowhere else, and its
   rendered form (`{glue:text}`name:fmt`` formats it with fmt) is not also shown by a
   glue use outside the solutions or in the visible page before the Exercises heading
   (where the lesson itself may show it). Only values with at least three significant
   digits are compared, so that a "2" or "0.5" elsewhere on the page cannot match by
   chance; check 3 catches the small ones where they usually leak;
3. no visible code-cell output after the Exercises heading prints anything but the
   self-check widgets (`gd.exercises.quiz`: a `form.gdq`; `gd.exercises.check`: a
   `p.gd-feedback`): a solutions cell must be removed (`remove-cell`), not shown.

"Visible" means in the static HTML outside solutions, outside closed `<details>` (such as
a hidden cell input) and outside elements with the `hidden` attribute, plus the alt texts
of images (a screen reader reads them). The page logic is tested on small hand-made pages
first (`test_logic_*`), so that a failure on the real site means the site, not the test.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import CHAPTERS, ROOT

# --------------------------------------------------------------------------- notebooks

_OPEN = re.compile(r"^\s*(?P<colons>:{3,})\{(?P<name>[\w-]+)\}")
_CLOSE = re.compile(r"^\s*(?P<colons>:{3,})\s*$")
GLUE_ROLE = re.compile(r"\{glue(?::(?:text|md))?\}`(?P<name>[^`:]+)(?::(?P<fmt>[^`]*))?`")


def split_solutions(markdown: str) -> tuple[str, str]:
    """(text inside `:::{solution}` blocks, all other text) of a MyST Markdown cell."""
    inside, outside, stack = [], [], []  # stack of (colons, is_solution)
    for line in markdown.splitlines():
        opened = _OPEN.match(line)
        closed = _CLOSE.match(line)
        in_solution = any(sol for _, sol in stack)
        if opened:
            stack.append((len(opened["colons"]), opened["name"] == "solution"))
        elif closed and stack and stack[-1][0] == len(closed["colons"]):
            stack.pop()
        opens_solution = bool(opened) and opened["name"] == "solution"
        (inside if in_solution or opens_solution else outside).append(line)
    return "\n".join(inside), "\n".join(outside)


def glue_uses(text: str) -> dict[str, set[str]]:
    """glue name -> the format specs it is shown with ('' for none)."""
    uses: dict[str, set[str]] = {}
    for m in GLUE_ROLE.finditer(text):
        uses.setdefault(m["name"].strip(), set()).add((m["fmt"] or "").strip())
    return uses


def glued_values(cells: list[dict]) -> dict[str, object]:
    """glue name -> the stored value (only literals; other reprs are skipped)."""
    values = {}
    for cell in cells:
        for out in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            meta = out.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            data = out.get("data", {})
            text = data.get(meta.get("mime_prefix", "") + "text/plain", data.get("text/plain"))
            if isinstance(text, list):
                text = "".join(text)
            try:
                values[meta["name"]] = ast.literal_eval(text)
            except (ValueError, SyntaxError, TypeError):
                continue
    return values


def rendered(value, fmt: str) -> str | None:
    """How `{glue:text}`name:fmt`` shows a numeric value (None for non-numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return format(value, fmt) if fmt else str(value)
    except (ValueError, TypeError):
        return None


def significant_digits(number: str) -> int:
    mantissa = re.split(r"[eE]", number.replace(",", "").lstrip("+-−").rstrip("%"))[0]
    return len(mantissa.replace(".", "").lstrip("0"))


def secret_values(cells: list[dict]) -> dict[str, str]:
    """rendered value -> glue name, for the values glued only for solutions."""
    inside, outside = {}, {}
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        sol, other = split_solutions(src)
        for target, text in ((inside, sol), (outside, other)):
            for name, fmts in glue_uses(text).items():
                target.setdefault(name, set()).update(fmts)
    values = glued_values(cells)
    shown = {rendered(values[n], f) for n, fmts in outside.items() if n in values for f in fmts}
    secret = {}
    for name, fmts in inside.items():
        if name in outside or name not in values:
            continue
        for fmt in fmts:
            r = rendered(values[name], fmt)
            if r is not None and r not in shown and significant_digits(r) >= 3:
                secret[normal_number(r)] = name
    return secret


# --------------------------------------------------------------------------- pages

NUMBER = re.compile(r"(?<![\w.])[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+−]?\d+)?%?")


def normal_number(token: str) -> str:
    return token.replace("−", "-").lstrip("+")


def numbers(text: str) -> set[str]:
    """Number tokens of a text, each also without its sign."""
    found = set()
    for tok in NUMBER.findall(text):
        tok = normal_number(tok)
        found.update({tok, tok.lstrip("-")})
    return found


def is_solution(tag) -> bool:
    classes = tag.get("class") or []
    return "solution" in classes or (tag.name == "details" and "solution" in " ".join(classes))


def is_collapsed(tag) -> bool:
    if tag.name == "details":
        return not tag.has_attr("open")
    classes = tag.get("class") or []
    return "dropdown" in classes or "toggle-hidden" in classes


def _text_and_alts(tag) -> str:
    alts = " ".join(img.get("alt", "") for img in tag.find_all("img"))
    return tag.get_text(" ", strip=True) + " " + alts


EXERCISES = re.compile(r"^(?:\d+(?:\.\d+)*\.?\s*)?Exercises\b", re.I)  # "1.7. Exercises #"


def parse_page(html: str) -> dict:
    """The parts of a chapter page the checks need."""
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.body or soup
    for tag in main.find_all(["script", "style", "noscript"]):
        tag.decompose()
    solutions = [t for t in main.find_all(is_solution)]
    not_collapsed = [t.get("id") or t.get_text(" ", strip=True)[:60]
                     for t in solutions if not is_collapsed(t)]
    for t in solutions:
        t.decompose()
    for t in main.find_all(lambda t: t.has_attr("hidden")
                           or (t.name == "details" and not t.has_attr("open"))):
        t.decompose()
    heading = next((h for h in main.find_all(re.compile("^h[1-6]$"))
                    if EXERCISES.match(h.get_text(" ", strip=True))), None)
    before, after, outputs = _text_and_alts(main), "", []
    if heading is not None:
        section = heading.find_parent("section") or heading.parent
        after_nodes = [section] + [s for s in section.find_all_next("section")
                                   if section not in s.parents]
        after = " ".join(_text_and_alts(s) for s in after_nodes)
        exercise_outputs = section.find_all(class_=re.compile(r"^cell_output$"))
        outputs = [o for o in exercise_outputs if not _is_widget(o)]
        section.extract()
        for s in after_nodes[1:]:
            s.extract()
        before = _text_and_alts(main)
    return dict(before=before, after=after, has_exercises=heading is not None,
                answer_outputs=[o.get_text(" ", strip=True)[:120] or "(an image or figure)"
                                for o in outputs],
                n_solutions=len(solutions), not_collapsed=not_collapsed)


def _widget(tag) -> bool:
    classes = tag.get("class") or []
    return (tag.name == "form" and "gdq" in classes) or "gd-feedback" in classes


def _is_widget(output) -> bool:
    """A code-cell output that is only self-check widgets (or empty)."""
    if not output.get_text(strip=True) and not output.find("img"):
        return True
    if not output.find_all(_widget):
        return False
    rest = BeautifulSoup(str(output), "html.parser")
    for w in rest.find_all(_widget):
        w.decompose()
    return not rest.get_text(strip=True) and not rest.find("img")


def leaks(page: dict, secret: dict[str, str]) -> list[str]:
    """Secret values shown after the Exercises heading (and not already in the lesson)."""
    shown_after, shown_before = numbers(page["after"]), numbers(page["before"])
    return sorted(f"{value} (glue {name!r})" for value, name in secret.items()
                  if value in shown_after and value not in shown_before)


# --------------------------------------------------------------------------- logic tests

SAMPLE_CELLS = [
    {"cell_type": "markdown", "source": "The slope is {glue:text}`slope:.2f`.\n\n## Exercises\n"},
    {"cell_type": "markdown", "source": [
        ":::{exercise}\n:label: ex-a\nCompute it.\n:::\n\n",
        ":::{solution} ex-a\n:class: dropdown\n\n",
        "It is {glue:text}`answer:.4f` and {glue:text}`slope:.2f`, after {glue:text}`n:d` steps.\n",
        ":::\n"]},
    {"cell_type": "code", "source": "glue(...)", "outputs": [
        {"output_type": "display_data", "metadata": {"scrapbook": {
            "name": "slope", "mime_prefix": "application/papermill.record/"}},
         "data": {"application/papermill.record/text/plain": "1.5"}},
        {"output_type": "display_data", "metadata": {"scrapbook": {
            "name": "answer", "mime_prefix": "application/papermill.record/"}},
         "data": {"application/papermill.record/text/plain": "74.33824182911859"}},
        {"output_type": "display_data", "metadata": {"scrapbook": {
            "name": "n", "mime_prefix": "application/papermill.record/"}},
         "data": {"application/papermill.record/text/plain": "75"}},
    ]},
]


def sample_page(*, solution_class="solution dropdown admonition", leak_output="",
                extra_output=""):
    return f"""<html><body><main>
    <section id="lesson"><h1>Chapter</h1><p>The slope is 1.50.</p>
      <div class="cell"><div class="cell_output"><pre>bound 12.5</pre></div></div></section>
    <section id="exercises"><h2>1.7. Exercises<a class="headerlink">#</a></h2>
      <div class="exercise admonition"><p>Compute it.</p></div>
      <div class="cell"><details class="hide above-input"><summary>Show code</summary>
        <pre>answer = 74.3382</pre></details>
        <div class="cell_output"><p class="gd-feedback"><strong>No answer yet</strong></p>
        </div></div>
      <div class="cell"><div class="cell_output"><form class="gdq"><p>Quiz</p>
        <p class="gdq-explanation" hidden>It is 74.3382</p></form></div></div>
      <div class="{solution_class}" id="sol-1"><p>It is 74.3382 and 1.50, after 75 steps.</p></div>
      {leak_output}{extra_output}
    </section>
    <section id="summary"><h2>Summary</h2><p>Slopes matter.</p></section>
    </main></body></html>"""


def test_logic_split_solutions():
    cell = "".join(SAMPLE_CELLS[1]["source"])
    sol, other = split_solutions(cell)
    assert "answer" in sol and "answer" not in other
    assert ":label: ex-a" in other and "Compute it." in other and "Compute it." not in sol
    nested = ("::::{solution} ex-b\n:::{note}\n{glue:text}`x`\n:::\n"
              "still {glue:text}`y`\n::::\nafter")
    sol, other = split_solutions(nested)
    assert "{glue:text}`y`" in sol and other.strip() == "after"


def test_logic_secret_values():
    secret = secret_values(SAMPLE_CELLS)
    # `answer` is solution-only and distinctive; `slope` is also shown outside; `n` = 75 has
    # two significant digits only
    assert secret == {"74.3382": "answer"}
    assert significant_digits("0.0604") == 3 and significant_digits("-46,667") == 5
    assert significant_digits("2.2e-16") == 2 and significant_digits("36.0%") == 3
    assert rendered(0.36, ".1%") == "36.0%" and rendered("diverged", "") is None


def test_logic_clean_page_passes():
    page = parse_page(sample_page())
    assert page["has_exercises"] and page["n_solutions"] == 1 and not page["not_collapsed"]
    assert page["answer_outputs"] == []
    assert leaks(page, secret_values(SAMPLE_CELLS)) == []
    assert "74.3382" not in page["after"]          # in the solution, a closed details, hidden
    assert "Slopes matter" in page["after"] and "bound 12.5" in page["before"]


def test_logic_a_printed_answer_is_caught():
    out = ('<div class="cell"><div class="cell_output">'
           "<pre>lr = 0.1: bound 74.3382 -> 75</pre></div></div>")
    page = parse_page(sample_page(leak_output=out))
    assert leaks(page, secret_values(SAMPLE_CELLS)) == ["74.3382 (glue 'answer')"]
    assert page["answer_outputs"] == ["lr = 0.1: bound 74.3382 -> 75"]


def test_logic_an_answer_in_alt_text_is_caught():
    fig = ('<div class="cell"><div class="cell_output"><img src="x.png" '
           'alt="The graph; the gradient is 74.3382."></div></div>')
    page = parse_page(sample_page(extra_output=fig))
    assert leaks(page, secret_values(SAMPLE_CELLS)) == ["74.3382 (glue 'answer')"]
    assert page["answer_outputs"] == ["(an image or figure)"]


def test_logic_an_open_solution_is_caught():
    page = parse_page(sample_page(solution_class="solution admonition"))
    assert page["not_collapsed"] == ["sol-1"]
    page = parse_page(sample_page().replace(
        '<div class="solution dropdown admonition" id="sol-1">', '<details class="solution" open>')
        .replace("after 75 steps.</p></div>", "after 75 steps.</p></details>"))
    assert page["not_collapsed"]


def test_logic_a_value_the_lesson_shows_is_not_a_leak():
    cells = json.loads(json.dumps(SAMPLE_CELLS))
    cells[2]["outputs"][1]["data"]["application/papermill.record/text/plain"] = "12.5"
    cells[1]["source"][2] = "It is {glue:text}`answer:.1f`.\n"
    out = '<div class="cell"><div class="cell_output"><pre>again 12.5</pre></div></div>'
    page = parse_page(sample_page(leak_output=out))
    assert secret_values(cells) == {"12.5": "answer"} and leaks(page, secret_values(cells)) == []


# --------------------------------------------------------------------------- the site


def _chapter(site: Path, chapter: str) -> tuple[dict, list[dict]]:
    html_file = site / (chapter + ".html")
    assert html_file.exists(), f"{html_file} is missing from the built site"
    cells = json.loads((ROOT / (chapter + ".ipynb")).read_text(encoding="utf-8"))["cells"]
    return parse_page(html_file.read_text(encoding="utf-8")), cells


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_solutions_are_collapsed(site, chapter):
    page, _ = _chapter(site, chapter)
    assert page["has_exercises"], f"{chapter}: no Exercises heading"
    assert page["n_solutions"] > 0, f"{chapter}: no solutions found in the page"
    assert not page["not_collapsed"], f"{chapter}: solutions shown open: {page['not_collapsed']}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_solution_values_stay_hidden(site, chapter):
    page, cells = _chapter(site, chapter)
    found = leaks(page, secret_values(cells))
    assert not found, f"{chapter}: values glued only for solutions are visible: {found}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_answers_printed_after_the_exercises(site, chapter):
    page, _ = _chapter(site, chapter)
    assert not page["answer_outputs"], (
        f"{chapter}: visible outputs after the Exercises heading (tag the cell "
        f'["remove-cell", "solution"]): {page["answer_outputs"]}')
