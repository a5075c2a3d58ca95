"""The extension zokml._zokml, built by the repository's CMake (python/CMakeLists.txt) and copied into the wheel.

An installation made by pip finds the bundled toolchain in the source tree it was built from; one made by
`cmake --install` finds it in <prefix>/share/zokml beside the package (include/zokml/core/installation.hpp).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent.parent


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = Path(self.build_temp).resolve() / "cmake"
        configure = ["cmake", "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release", "-DBUILD_TESTING=OFF",
                     f"-DPython_EXECUTABLE={sys.executable}"]
        if shutil.which("ccache"):
            configure.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
        subprocess.run(configure, check=True)
        subprocess.run(["cmake", "--build", str(build), "--target", "zokml_python", "-j", str(os.cpu_count() or 1)], check=True)
        built = next((build / "python" / "zokml").glob("_zokml*.so"))
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


setup(ext_modules=[Extension("zokml._zokml", sources=[])], cmdclass={"build_ext": CMakeBuild})
