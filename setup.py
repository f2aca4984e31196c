"""Package discovery only (metadata lives in pyproject.toml).

conf/ stays at the top of the repository, where users look for it, and ships inside the wheel as
summarize/conf, so an installed package finds its config without the source tree. pyproject.toml
alone cannot both discover packages and map a folder into one.
"""

from setuptools import find_namespace_packages, setup

# Namespace discovery also picks up the data folders (samples/, schemas/, publish/templates/).
code = find_namespace_packages(include=["summarize", "summarize.*"], exclude=["*__pycache__"])
conf = ["summarize.conf", *(f"summarize.conf.{p}" for p in find_namespace_packages(where="conf"))]
setup(packages=[*code, *conf], package_dir={"summarize.conf": "conf"})
