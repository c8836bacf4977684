#!/usr/bin/env python3
"""
Runs on the build instance during `packer build`, with the system Python and nothing else:
only the standard library is available here. Replace the body with this step's provisioning.
"""

import platform
import shutil
import subprocess


def main() -> None:
    print(f"python {platform.python_version()} on {platform.platform()}")
    total, used, free = shutil.disk_usage("/")
    print(f"root volume: {total // 2**30} GiB, {free // 2**30} GiB free")
    subprocess.run(["uname", "-a"], check=True)


if __name__ == "__main__":
    main()
