"""Ships the starter content as package data.

``personas/``, ``prompts/`` and ``eval/`` at the top of the repository are the source of truth;
a build (wheel, ``pip install .``) copies them into the package as ``trainer/_data/``, where
`trainer.config.project_root` finds them once installed. An editable install reads the
checkout itself, so nothing is copied there. Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
CONTENT = {  # folder -> the files a running trainer reads from it
    "personas": ["*.yaml"],
    "prompts": ["*.yaml"],
    "eval": ["**/*.yaml", "**/*.json", "**/*.md"],  # suites, gold and held-out transcripts
}


class BuildWithContent(build_py):
    """build_py, plus the starter content copied into ``trainer/_data``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "trainer" / "_data"
        shutil.rmtree(target, ignore_errors=True)
        for folder, patterns in CONTENT.items():
            for pattern in patterns:
                for source in sorted((ROOT / folder).glob(pattern)):
                    dest = target / folder / source.relative_to(ROOT / folder)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, dest)


setup(cmdclass={"build_py": BuildWithContent})
