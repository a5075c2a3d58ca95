"""zokml's exceptions: the command's exit codes (docs/cli.md) as a small hierarchy."""


class Error(Exception):
    """Any error zokml reports (the command's exit code: ``exit_code``)."""

    exit_code = 5


class InputError(Error, ValueError):
    """Bad input (a model, an input, a setting, a proof): names the file, the field and the reason."""

    exit_code = 3

    def __init__(self, message, file="", field="", reason=""):
        super().__init__(message)
        self.file = file
        self.field = field
        self.reason = reason or message


class UsageError(Error, ValueError):
    """A call zokml cannot make sense of (an unknown variant, scheme or backend; a bad argument)."""

    exit_code = 2


class ToolchainError(Error):
    """A toolchain step (ZoKrates, snarkjs) did not produce its result; ``tool_output`` has what it printed."""

    exit_code = 4

    def __init__(self, message, step="", tool_exit_code=0, tool_output=""):
        super().__init__(message)
        self.step = step
        self.tool_exit_code = tool_exit_code
        self.tool_output = tool_output


class ZokmlIOError(Error, OSError):
    """A file could not be read or written (a full disk, a missing folder)."""

    exit_code = 5
