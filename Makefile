# Downhill: every command a reader or maintainer needs. `make help` lists them.
# Each target creates (or reuses) the local virtual environment .venv first.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NB     ?= chapters/01_derivatives.ipynb

.PHONY: help book test serve check-notebook outputs lint bench linkcheck clean venv student pdf

help:
	@echo "make book            build the HTML book into _build/html (execution cached)"
	@echo "make test            everything CI runs: lint, gdlib tests, nbval, strict clean build, site checks"
	@echo "make serve           serve the built book on http://127.0.0.1:8000"
	@echo "make check-notebook NB=chapters/01_derivatives.ipynb   strict nbval of one chapter"
	@echo "make outputs [NB=...] re-execute notebook(s) in place (default: every notebook nbval checks)"
	@echo "make bench           speed and size benchmarks, written to results/"
	@echo "make student         solution-free notebooks for a class, written to student/"
	@echo "make pdf             the book and each chapter as PDF, written to _build/pdf/"
	@echo "make linkcheck       check external links (needs internet; not part of make test)"
	@echo "make clean           remove _build (keeps .venv)"

venv: $(STAMP)

$(STAMP): requirements.txt requirements-test.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-test.txt
	@touch $@

book: $(STAMP)
	$(BIN)/python scripts/exercise_index.py
	$(BIN)/jupyter-book build -W --keep-going .
	@echo "The book is at file://$(CURDIR)/_build/html/index.html  (or: make serve)"

test: $(STAMP)
	@PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/test.sh

serve: $(STAMP)
	@test -f _build/html/index.html || $(MAKE) book
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

check-notebook: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider --nbval --nbval-sanitize-with nbval_sanitize.cfg $(NB)

outputs: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py $(if $(filter command line,$(origin NB)),$(NB),chapters/*.ipynb appendices/*.ipynb)

lint: $(STAMP)
	$(BIN)/ruff check gdlib tests scripts chapters appendices _ext

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

linkcheck: $(STAMP)
	$(BIN)/jupyter-book build --builder linkcheck .

student: $(STAMP)
	$(BIN)/python scripts/make_student.py --out student

pdf: $(STAMP)
	@test -f _build/html/index.html || $(MAKE) book
	@PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/provision.sh > /dev/null
	$(BIN)/python scripts/make_pdf.py --out _build/pdf

clean:
	rm -rf _build
