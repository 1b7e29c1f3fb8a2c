"""Sphinx configuration: MyST Markdown, the furo theme, autodoc, ccroles tables."""

from importlib.metadata import version as _version
from importlib.util import find_spec as _find_spec

project = "ccroles"
author = "The ccroles developers"
copyright = "The ccroles developers"  # A001 is ignored for docs/ in pyproject.toml
release = _version("ccroles")

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "ccroles.sphinxext",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
html_theme = "furo"
html_title = "ccroles"

# The API reference: Google-style docstrings, type hints in the descriptions.
autodoc_typehints = "description"
autodoc_member_order = "bysource"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_ivar = True  # "Attributes:" as fields, not duplicate attributes

# The portal guards' pages need no web framework: the `docs` extra brings
# none, and autodoc imports a stand-in for each framework that is missing.
autodoc_mock_imports = [
    name for name in ("django", "flask", "fastapi", "starlette") if not _find_spec(name)
]
