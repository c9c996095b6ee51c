"""Runs target-architecture programs started with subprocess under qemu-user.

Loaded by qemu/python3-qemu.sh (through PYTHONPATH) for the Python tests of a
cross build: a test that runs `subprocess.run([path_to_embert, ...])` gets
`qemu-run.sh ARCH SYSROOT CPU path_to_embert ...` instead when the file is an
ELF executable of the target machine. Host programs are left alone.
"""
import os
import shutil
import subprocess

_RUN = os.environ.get("EMBERT_QEMU_RUN")
_ARCH = os.environ.get("EMBERT_QEMU_ARCH", "")
# ELF e_machine of the target: EM_AARCH64 = 183, EM_ARM = 40.
_MACHINE = {"aarch64": 183, "armhf": 40}.get(_ARCH)


def _is_target_program(path):
    try:
        with open(path, "rb") as f:
            head = f.read(20)
    except OSError:
        return False
    return (len(head) == 20 and head[:4] == b"\x7fELF"
            and int.from_bytes(head[18:20], "little") == _MACHINE)


if _RUN and _MACHINE is not None:
    _popen_init = subprocess.Popen.__init__

    def _init(self, args, *rest, **kwargs):
        if not kwargs.get("shell") and isinstance(args, (list, tuple)) and args:
            program = os.fspath(kwargs.get("executable") or args[0])
            if os.sep not in program:
                program = shutil.which(program) or program
            if _is_target_program(program):
                args = [_RUN, _ARCH, os.environ.get("EMBERT_QEMU_SYSROOT", ""),
                        os.environ.get("EMBERT_QEMU_DEFAULT_CPU", "max"), program] + list(args[1:])
                kwargs.pop("executable", None)
        _popen_init(self, args, *rest, **kwargs)

    subprocess.Popen.__init__ = _init
