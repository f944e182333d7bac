# Writes the golden fixtures for ipynb.test.ts with Jupyter's own writer (nbformat.write).
# Run once from the repository root, with Debian's Python (python3-nbformat 5.x):
#   /usr/bin/python3 src-main/common/notebook/__fixtures__/generate.py
# The files are committed; the tests never regenerate them. Everything is deterministic (fixed cell
# ids, no timestamps), so a re-run rewrites the same bytes.
#
# - *.ipynb: notebooks built as Jupyter holds them in memory (multi-line fields as strings) and written by
#   nbformat.write, so `serializeNotebook(parseNotebook(file))` must give the file back byte for byte.
# - odd-input.json: a notebook as some other tool might write it (lists split oddly, a list-valued
#   image/png, keys unsorted, indent 2, transient fields); odd-input.jupyter.ipynb is what Jupyter writes
#   after opening and saving it (nbformat.read + nbformat.write), which Lathe's writer must reproduce.
import json
import os
import sys

import nbformat

HERE = os.path.dirname(os.path.abspath(__file__))

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\n"

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
    "version": "3.11.7",
}


def notebook(cells, minor, metadata=None):
    return nbformat.from_dict(
        {
            "cells": cells,
            "metadata": metadata if metadata is not None else {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO},
            "nbformat": 4,
            "nbformat_minor": minor,
        }
    )


def code(source, outputs=(), count=None, cell_id=None, metadata=None):
    cell = {"cell_type": "code", "execution_count": count, "metadata": metadata or {}, "outputs": list(outputs), "source": source}
    if cell_id is not None:
        cell["id"] = cell_id
    return cell


def text_cell(kind, source, cell_id=None, metadata=None, attachments=None):
    cell = {"cell_type": kind, "metadata": metadata or {}, "source": source}
    if cell_id is not None:
        cell["id"] = cell_id
    if attachments is not None:
        cell["attachments"] = attachments
    return cell


def stream(name, text):
    return {"output_type": "stream", "name": name, "text": text}


def write(name, nb):
    errors = {}
    path = os.path.join(HERE, name)
    nbformat.write(nb, path, capture_validation_error=errors)
    if errors:
        sys.exit(f"{name}: {errors['ValidationError']}")
    size = os.path.getsize(path)
    if size > 20_000:
        sys.exit(f"{name} is {size} bytes: keep fixtures under 20 KB")


TRACEBACK = [
    "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
    "\x1b[0;31mZeroDivisionError\x1b[0m                         Traceback (most recent call last)",
    "Cell \x1b[0;32mIn[3], line 1\x1b[0m\n\x1b[0;32m----> 1\x1b[0m \x1b[38;5;241m1\x1b[39m\x1b[38;5;241m/\x1b[39m\x1b[38;5;241m0\x1b[39m\n",
    "\x1b[0;31mZeroDivisionError\x1b[0m: division by zero",
]

# nbformat 4.0: no cell ids, no attachments.
write(
    "v4.0-no-ids.ipynb",
    notebook(
        [
            text_cell("markdown", "# Old notebook\n\nWritten as nbformat 4.0 (no cell ids)."),
            code("x = 41\nx + 1", [{"output_type": "execute_result", "execution_count": 1, "data": {"text/plain": "42"}, "metadata": {}}], 1),
            code("print('hello')", [stream("stdout", "hello\n")], 2),
            code("", [], None),
        ],
        0,
        {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}, "language_info": {"name": "python", "version": "3.4.3"}},
    ),
)

# nbformat 4.4: raw cells, cell metadata, still no ids.
write(
    "v4.4.ipynb",
    notebook(
        [
            text_cell("raw", "---\ntitle: raw cell\n---\n", metadata={"raw_mimetype": "text/markdown"}),
            code("import sys\nsys.version_info[:2]", [{"output_type": "execute_result", "execution_count": 5, "data": {"text/plain": "(3, 11)"}, "metadata": {}}], 5, metadata={"collapsed": False, "scrolled": True, "tags": ["setup"]}),
            text_cell("markdown", "Trailing spaces  \nand a final newline\n"),
        ],
        4,
    ),
)

# nbformat 4.5: ids on every cell.
write(
    "v4.5-ids.ipynb",
    notebook(
        [
            text_cell("markdown", "## Cells with ids", cell_id="a1b2c3d4"),
            code("for i in range(3):\n    print(i)", [stream("stdout", "0\n1\n2\n")], 1, cell_id="e5f6a7b8"),
            code("def f(x):\n    return x * 2\n", [], 2, cell_id="c0ffee00-0000-4000-8000-000000000001"),
            text_cell("raw", "", cell_id="raw_cell-1"),
        ],
        5,
    ),
)

# Attachments on a markdown cell (and a raw cell), image/png base64 plus a text/plain attachment.
write(
    "attachments.ipynb",
    notebook(
        [
            text_cell(
                "markdown",
                "An inline image:\n\n![pixel.png](attachment:pixel.png)\n",
                cell_id="md-attach",
                attachments={"pixel.png": {"image/png": PNG}, "notes.txt": {"text/plain": "first line\nsecond line\n"}},
            ),
            text_cell("raw", "raw with an attachment", cell_id="raw-attach", attachments={"data.svg": {"image/svg+xml": "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<rect width=\"1\" height=\"1\"/>\n</svg>\n"}}),
        ],
        5,
    ),
)

# Unknown fields in metadata at every level: notebook, cell, output.
write(
    "unknown-metadata.ipynb",
    notebook(
        [
            code(
                "plot()",
                [
                    {
                        "output_type": "display_data",
                        "data": {"image/png": PNG, "text/plain": "<Figure size 640x480 with 1 Axes>"},
                        "metadata": {"image/png": {"width": 640, "height": 480}, "needs_background": "light", "x-vendor": {"nested": [1, "two", None, True]}},
                    }
                ],
                7,
                cell_id="unknown-1",
                metadata={
                    "execution": {"iopub.execute_input": "2024-01-02T03:04:05.678901Z", "iopub.status.busy": "2024-01-02T03:04:05.600000Z"},
                    "jupyter": {"source_hidden": True, "outputs_hidden": False},
                    "vscode": {"languageId": "python"},
                    "custom_tool": {"deep": {"deeper": {"list": [{"a": 1}, {"b": []}, {}]}}},
                },
            ),
        ],
        5,
        {
            "kernelspec": KERNELSPEC,
            "language_info": LANGUAGE_INFO,
            "toc": {"base_numbering": 1, "nav_menu": {}, "number_sections": True, "title_cell": "Table of Contents"},
            "custom": {"zzz": "last", "AAA": "upper first", "_underscore": None, "émoji 🎉": "non-ASCII key"},
        },
    ),
)

# Every output type.
write(
    "outputs.ipynb",
    notebook(
        [
            code(
                "import sys\nprint('out 1')\nprint('out 2')\nprint('err', file=sys.stderr)",
                [stream("stdout", "out 1\nout 2\n"), stream("stderr", "err\n")],
                1,
                cell_id="out-stream",
            ),
            code("print('no newline at end', end='')", [stream("stdout", "no newline at end")], 2, cell_id="out-stream2"),
            code(
                "df",
                [
                    {
                        "output_type": "execute_result",
                        "execution_count": 3,
                        "data": {
                            "text/plain": "   a  b\n0  1  2\n1  3  4",
                            "text/html": "<div>\n<table border=\"1\" class=\"dataframe\">\n  <thead>\n    <tr><th></th><th>a</th><th>b</th></tr>\n  </thead>\n</table>\n</div>",
                        },
                        "metadata": {},
                    }
                ],
                3,
                cell_id="out-result",
            ),
            code(
                "display(Image(data))",
                [
                    {"output_type": "display_data", "data": {"image/png": PNG, "text/plain": "<IPython.core.display.Image object>"}, "metadata": {"image/png": {"width": 1, "height": 1}}},
                    {"output_type": "display_data", "data": {"application/json": {"a": [1, 2, {"b": None}], "text": "line1\nline2"}, "text/plain": "<IPython.core.display.JSON object>"}, "metadata": {"application/json": {"expanded": False, "root": "root"}}},
                    {"output_type": "display_data", "data": {"image/svg+xml": "<svg>\n  <circle r=\"1\"/>\n</svg>", "text/plain": "<svg>"}, "metadata": {}},
                    {"output_type": "display_data", "data": {"application/javascript": "console.log(1);\nconsole.log(2);\n", "text/latex": "$$\\alpha$$", "text/markdown": "**bold**\n\n- item"}, "metadata": {}},
                    {"output_type": "display_data", "data": {"application/vnd.custom+json": {"k": "v"}, "application/x-other": "not\nsplit\n"}, "metadata": {}},
                ],
                4,
                cell_id="out-display",
            ),
            code("1/0", [{"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero", "traceback": TRACEBACK}], 5, cell_id="out-error"),
            code("None", [{"output_type": "execute_result", "execution_count": None, "data": {"text/plain": ""}, "metadata": {}}], None, cell_id="out-nullcount"),
        ],
        5,
    ),
)

# Non-ASCII text and the strings Python treats specially: escapes, line boundaries splitlines() knows.
write(
    "non-ascii.ipynb",
    notebook(
        [
            text_cell("markdown", "# Ünïcödé\n\n中文, русский, العربية, emoji 😀🎉, combining é, zero\u200bwidth.\n", cell_id="nonascii-1"),
            code(
                "s = 'tab\\there'\nprint('naïve café ☕')\n# \"quotes\" and \\backslash\\ and /slash/",
                [stream("stdout", "naïve café ☕\n\x1b[1;32mgreen\x1b[0m\tand\x07bell\n")],
                1,
                cell_id="nonascii-2",
            ),
            code("crlf = 1\r\ncr = 2\rff\x0cvt\x0bfs\x1cgs\x1drs\x1enel\x85ls\u2028ps\u2029end\x00nul\x7fdel", [], None, cell_id="nonascii-3"),
            text_cell("markdown", "\n\n\nblank lines first, then none at the end", cell_id="nonascii-4"),
        ],
        5,
        {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO, "title": "Ünïcödé — ☕ 😀", "\uffff": "BMP last", "\U0001f600": "astral after BMP", "\ue000": "private use"},
    ),
)

# Numbers JSON.parse can't tell apart: integral floats (0.0, 1.0, -0.0, 1e+16), ints beyond 2**53,
# floats Python prints in exponent form, NaN and the infinities Python's json writes.
PLOTLY = {
    "data": [{"type": "scatter", "x": [0.0, 1.0, 2.0, 2.5], "y": [10, 11.0, 12, 13.25]}],
    "layout": {"template": {"layout": {"colorscale": {"sequential": [[0.0, "#0d0887"], [0.1111111111111111, "#46039f"], [1.0, "#f0f921"]]}}}, "height": 300.0},
}
write(
    "numbers.ipynb",
    notebook(
        [
            code(
                "fig.show()",
                [
                    {"output_type": "display_data", "data": {"application/vnd.plotly.v1+json": PLOTLY, "text/html": "<div>plot</div>"}, "metadata": {}},
                    {
                        "output_type": "execute_result",
                        "execution_count": 2,
                        "data": {
                            "application/json": {
                                "ints": [0, -1, 9007199254740991, 9007199254740993, 12345678901234567890, -98765432109876543210, 2**64],
                                "floats": [0.5, -0.0, 1.0, 1e-05, 0.0001, 1e16, 1e15, 123456789012345.6, 1.5e300, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1 / 3, -2.5e-7],
                                "special": [float("nan"), float("inf"), float("-inf")],
                            },
                            "text/plain": "<IPython.core.display.JSON object>",
                        },
                        "metadata": {"application/json": {"expanded": False}},
                    },
                ],
                2,
                cell_id="numbers-1",
                metadata={"papermill": {"duration": 1.0, "exception": False, "status": "completed"}, "ExecuteTime": {"duration": 2.25}},
            ),
        ],
        5,
        {
            "kernelspec": KERNELSPEC,
            "language_info": LANGUAGE_INFO,
            "papermill": {"parameters": {"alpha": 1.0, "epochs": 10, "lr": 0.001}, "duration": 12.0},
            "widgets": {
                "application/vnd.jupyter.widget-state+json": {
                    "state": {"abc": {"model_name": "FloatProgressModel", "state": {"max": 100.0, "min": 0.0, "value": 100.0, "bar_style": "success"}}},
                    "version_major": 2,
                    "version_minor": 0,
                }
            },
        },
    ),
)

# No cells at all, and no metadata.
write("empty.ipynb", nbformat.v4.new_notebook())

# A notebook as another tool might write it: Jupyter normalises it on open + save.
ODD = """{
  "nbformat_minor": 4,
  "nbformat": 4,
  "metadata": {"signature": "sha256:abc", "orig_nbformat": 3, "kernelspec": {"name": "python3", "display_name": "Python 3"}},
  "cells": [
    {"source": ["a", "b\\n", "c\\n", "d"], "metadata": {"trusted": true, "tags": []}, "cell_type": "markdown"},
    {"cell_type": "code", "source": "x = 1\\ny = 2\\n", "metadata": {}, "execution_count": 1,
     "outputs": [
       {"output_type": "stream", "name": "stdout", "text": ["par", "tial\\nline", "s\\n"]},
       {"output_type": "display_data", "metadata": {}, "data": {"image/png": ["iVBORw0KGgo", "AAAANSUhEUg\\n"], "text/plain": ["one", "\\ntwo"], "application/json": ["kept", "as a list"], "application/x-list": ["joined ", "on read"]}},
       {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"text/html": "<b>\\n</b>"}},
       {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["line 1\\n", "line 2"]}
     ]},
    {"cell_type": "raw", "metadata": {"format": "text/plain"}, "source": [], "attachments": {"a.txt": {"text/plain": ["x", "y\\nz"]}}}
  ]
}
"""
with open(os.path.join(HERE, "odd-input.json"), "w", encoding="utf-8") as f:
    f.write(ODD)
json.loads(ODD)  # it is valid JSON
write("odd-input.jupyter.ipynb", nbformat.reads(ODD, as_version=nbformat.NO_CONVERT))

print("fixtures written to", HERE)
