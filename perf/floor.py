"""The floor: a bare Django view rendering static HTML the size of a survey page.

It runs through the same settings and middleware as the survey, but does no database work and
almost no template work, so it shows how fast this stack could serve a page of that size at
best. ``floor_template_text`` writes the template by hand from fixed HTML (no loops, includes or
tags besides one variable) and pads it to the byte size of the survey page measured at startup.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FLOOR_TEMPLATE = "perf/floor.html"

_HEAD = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ title }} · Customer Success Performance Index</title>
  <link rel="stylesheet" href="/static/vendor/bootstrap/bootstrap.min.css">
  <link rel="stylesheet" href="/static/css/cspi.css">
</head>
<body class="d-flex flex-column min-vh-100">
  <a class="visually-hidden-focusable skip-link" href="#main">Skip to content</a>
  <header class="site-header border-bottom bg-white">
    <div class="container py-3 d-flex align-items-center justify-content-between">
      <a class="brand text-decoration-none" href="/">
        <span class="brand-mark" aria-hidden="true"></span>CSPI Benchmark
      </a>
    </div>
  </header>
  <main id="main" class="flex-grow-1 py-4 py-md-5" tabindex="-1">
    <div class="container">
<div class="row justify-content-center">
  <div class="col-lg-8">
    <p class="text-body-secondary small mb-1">Page 5 of 12</p>
    <h1 class="h3 mb-3">Alignment</h1>
    <form method="post" action="/perf/floor/" novalidate class="survey-form">
      <input type="hidden" name="step" value="5">
      <fieldset class="question mb-4" id="q15">
        <legend class="question-text" id="q15-legend" tabindex="-1">15. A static question</legend>
        <div class="options">
"""

# One hand-written answer option; the padding repeats it, so the floor looks like a survey page.
_OPTION = """          <div class="form-check">
            <input class="form-check-input" type="radio" name="q15" id="q15-x" value="1">
            <label class="form-check-label" for="q15-x">A static answer option</label>
          </div>
"""

_TAIL = """        </div>
      </fieldset>
      <div class="d-flex flex-wrap gap-2 align-items-center border-top pt-3 mt-4 nav-buttons">
        <button type="submit" name="nav" value="next" class="btn btn-primary btn-lg">Next</button>
      </div>
    </form>
  </div>
</div>
    </div>
  </main>
  <footer class="site-footer border-top py-4 mt-auto">
    <div class="container small text-body-secondary">
      <p class="mb-0">CSPI Benchmark · Customer Success Performance Index</p>
    </div>
  </footer>
</body>
</html>
"""

FLOOR_CONTEXT = {"title": "Floor"}


def floor_template_text(target_bytes: int) -> str:
    """Static HTML whose rendered size (with FLOOR_CONTEXT) is exactly ``target_bytes``."""
    rendered_head = _HEAD.replace("{{ title }}", FLOOR_CONTEXT["title"])
    fixed = len((rendered_head + _TAIL).encode())
    option = len(_OPTION.encode())
    comment_overhead = len("<!--  -->\n")
    room = target_bytes - fixed - comment_overhead
    if room < 0:
        raise ValueError(f"A floor page cannot be as small as {target_bytes} bytes.")
    repeats, rest = divmod(room, option)
    filler = f"<!-- {'x' * rest} -->\n"
    return _HEAD + _OPTION * repeats + filler + _TAIL


def floor(request: HttpRequest) -> HttpResponse:
    return render(request, FLOOR_TEMPLATE, FLOOR_CONTEXT)
