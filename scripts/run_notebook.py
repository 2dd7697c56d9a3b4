#!/usr/bin/python3
"""Executes one notebook headless with nbclient and exports it, naming the failing cell if any.

Usage: run_notebook.py NOTEBOOK OUT_IPYNB OUT_HTML [--kernel tslab] [--timeout 900]

Runs every cell in order on the given kernel (the project's tslab kernelspec, found through
JUPYTER_PATH), stops at the first failing cell, and always writes the executed notebook and an HTML
export (with the failing cell's error shown). The last stdout line is one JSON object:
{"ok": bool, "cells": n, "failedCell": i|null (1-based, counting every cell), "error": str|null}.
Exit code 0 when every cell ran, 1 when a cell failed, 2 on a usage or set-up error.
"""
import argparse
import json
import re
import sys
import traceback

import fastjsonschema
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter


def compile_once(compile_schema):
    """fastjsonschema.compile, each schema compiled once per process.

    nbformat validates the notebook with fastjsonschema, and compiles the notebook schema into a Python validator
    again for each validation: nbconvert's export validates it once per preprocessor, eleven times, a third of a
    second of CPU per notebook here. The validator of a schema is the same function every time.
    """
    compiled = {}

    def compile_cached(definition, *args, **kwargs):
        key = json.dumps([definition, args, kwargs], sort_keys=True, default=repr)
        if key not in compiled:
            compiled[key] = compile_schema(definition, *args, **kwargs)
        return compiled[key]

    return compile_cached


fastjsonschema.compile = compile_once(fastjsonschema.compile)


def error_text(cell):
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".strip()
    streams = [o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr"]
    return "".join(streams).strip() or "cell failed"


# The plotly loader the first figure of every plot cell carries (src/plot/html.ts, plotlyLoaderScript): its
# content is base64 and JavaScript without a closing script tag, so the first "</script>" ends it.
PLOTLY_LOADER = re.compile(r'<script type="text/javascript" data-asmm="plotly-bundle">.*?</script>', re.S)


def one_plotly_loader(html):
    """The exported page with the first plot cell's plotly loader only.

    In the saved notebook each plot cell keeps its own loader, so that a cell shown alone renders. In the
    page of the whole notebook the first loader defines window.Plotly before any figure, and each later one
    checks that and does nothing, but is 2 MB that the browser parses every time the page is opened: a
    notebook of six plot cells was 12.5 MB instead of 2.7 MB, and took a quarter to a half more CPU to open.
    """
    first = PLOTLY_LOADER.search(html)
    if first is None:
        return html
    return html[: first.end()] + PLOTLY_LOADER.sub("", html[first.end():])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("out_ipynb")
    parser.add_argument("out_html")
    parser.add_argument("--kernel", default="tslab")
    parser.add_argument("--timeout", type=int, default=900)
    args = parser.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    result = {"ok": True, "cells": len(nb.cells), "failedCell": None, "error": None}
    # A kernel that does not answer at start (seen once in many runs on a loaded 2-core machine: nbclient's
    # "Kernel didn't respond in 60 seconds", before any cell ran) is started once more, and said so on stderr;
    # a failure after the first cell started is the notebook's and is never retried.
    executed = 0
    try:
        for attempt in (1, 2):
            client = NotebookClient(nb, kernel_name=args.kernel, timeout=args.timeout, startup_timeout=120, allow_errors=False)
            try:
                with client.setup_kernel():
                    for index, cell in enumerate(nb.cells):
                        executed += 1
                        try:
                            client.execute_cell(cell, index)
                        except CellExecutionError:
                            first_line = (cell.source.splitlines() or [""])[0][:80]
                            result.update(ok=False, failedCell=index + 1, error=f"{error_text(cell)} (cell starts: {first_line})")
                            break
                break
            except RuntimeError as exc:
                if attempt == 1 and executed == 0 and "didn't respond" in str(exc):
                    print(f"{args.notebook}: the kernel did not answer at start ({exc}): starting it once more", file=sys.stderr)
                    continue
                raise
    except Exception as exc:  # kernel failed to start (twice), timeout, ...
        result.update(ok=False, error=f"{type(exc).__name__}: {exc}")
        traceback.print_exc(file=sys.stderr)
    finally:
        nbformat.write(nb, args.out_ipynb)
        body, _ = HTMLExporter().from_notebook_node(nb)
        with open(args.out_html, "w", encoding="utf-8") as handle:
            handle.write(one_plotly_loader(body))
    print(json.dumps(result))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
