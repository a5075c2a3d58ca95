# Type stubs of the package zokml (python/zokml/__init__.py; docs/python.md).
import os
from typing import Any, Iterable, Optional, Sequence, Tuple, Union

PathLike = Union[str, os.PathLike[str]]
# A NumPy array or torch tensor of any float dtype (or nested sequences of numbers).
ArrayLike = Any

class Error(Exception):
    """Any error zokml reports; ``exit_code`` is the command's for it."""
    exit_code: int

class InputError(Error, ValueError):
    """Bad input (a model, an input, a setting, a proof): names the file, the field and the reason."""
    file: str
    field: str
    reason: str
    def __init__(self, message: str, file: str = ..., field: str = ..., reason: str = ...) -> None: ...

class UsageError(Error, ValueError):
    """A call zokml cannot make sense of (an unknown variant, scheme or backend; a bad argument)."""

class ToolchainError(Error):
    """A toolchain step (ZoKrates, snarkjs) did not produce its result."""
    step: str
    tool_exit_code: int
    tool_output: str

class ZokmlIOError(Error, OSError):
    """A file could not be read or written."""

class Model:
    """A float classifier: a zokml JSON model or an ONNX file, or a torch module exported to ONNX in memory."""
    @staticmethod
    def load(path: PathLike) -> Model:
        """A model file (zokml JSON or ONNX); InputError naming the file and field when it is not one."""
    @staticmethod
    def from_torch(module: Any, example: ArrayLike, name: str = ...) -> Model:
        """``torch.onnx.export`` of ``module`` into memory, for inputs shaped like ``example`` (a batch of one)."""
    @property
    def name(self) -> str: ...
    @property
    def parameters(self) -> int:
        """The number of weights and biases."""
    @property
    def input_shape(self) -> Tuple[int, ...]: ...
    @property
    def classes(self) -> int: ...
    @property
    def input_range(self) -> Optional[Tuple[float, float]]:
        """(min, max) of every input value as the model file states it; None for ONNX (give it in the Settings)."""

class Settings:
    """A circuit's settings: the variant and every option (the command's flags); options are attributes."""
    input_bits: int
    weight_bits: int
    activation_bits: int
    chunk_size: int
    claimed_class: bool
    expose_logits: bool
    hash_input: bool
    def __init__(self, variant: str = ..., *, input_range: Optional[Tuple[float, float]] = ...,
                 backend: Optional[str] = ..., **options: Any) -> None: ...
    @staticmethod
    def from_dict(document: dict) -> Settings:
        """Settings from their JSON (``to_dict``'s, a settings file's); InputError naming the field."""
    @staticmethod
    def load(path: PathLike) -> Settings:
        """A settings file (written by ``zokml calibrate`` or ``save``)."""
    def save(self, path: PathLike) -> None: ...
    def to_dict(self) -> dict: ...
    def with_variant(self, variant: str, **options: Any) -> Settings:
        """The same quantization and range for another variant (its own options at their defaults)."""
    @property
    def variant(self) -> str: ...
    @property
    def input_range(self) -> Optional[Tuple[float, float]]: ...
    def __getattr__(self, name: str) -> Any: ...

class Salt:
    """The model owner's secret salt (248 random bits); its repr never shows it."""
    @staticmethod
    def random() -> Salt: ...
    @staticmethod
    def load(path: PathLike) -> Salt:
        """A salt file (``zokml commit --salt FILE``)."""
    def save(self, path: PathLike) -> None:
        """Writes a new salt file (mode 0600); InputError when the file exists."""

class Commitment:
    """The commitment to a model's quantized parameters and the salt behind it."""
    value: int
    salt: Salt
    @property
    def hex(self) -> str: ...
    @property
    def decimal(self) -> str: ...

class Proof:
    """A proof: ``json`` (ZoKrates' proof JSON) and ``public`` (what it reveals, as ``zokml prove --json``'s)."""
    json: dict
    public: dict
    seconds: Optional[float]
    def save(self, path: PathLike) -> None: ...

class Session:
    """A circuit folder's prover kept warm (``Circuit.session``); ``close()`` or the ``with`` block's end stops it."""
    circuit: Circuit
    def prove(self, input: Optional[Union[ArrayLike, PathLike]] = ..., *, index: Optional[int] = ...,
              claimed_class: Optional[int] = ..., threshold: Optional[int] = ...) -> Proof:
        """As ``Circuit.prove``, in this session."""
    def verify(self, proof: Union[Proof, dict]) -> bool: ...
    def close(self) -> None: ...
    def __enter__(self) -> Session: ...
    def __exit__(self, *exc: object) -> None: ...

class Circuit:
    """A circuit folder (``zokml generate``'s): compile, setup, prove, verify and export with its keys."""
    folder: str
    def __init__(self, folder: PathLike) -> None: ...
    @property
    def settings(self) -> Settings: ...
    def compile(self, progress: bool = ...) -> dict:
        """Compiles the sources (cached); returns {"constraints", "cache", "key", "program"}."""
    def setup(self, scheme: str = ..., backend: Optional[str] = ..., progress: bool = ...) -> dict:
        """Compiles when needed, then the proving and verification keys (``zokml setup``)."""
    def prove(self, input: Optional[Union[ArrayLike, PathLike]] = ..., *, index: Optional[int] = ...,
              claimed_class: Optional[int] = ..., threshold: Optional[int] = ..., salt: Optional[Salt] = ...,
              model: Optional[PathLike] = ..., progress: bool = ...) -> Proof:
        """A proof of one record (refused outside the model's range, never clamped; or a file's path, read as
        ``zokml prove --input`` reads it, ``index`` picking a batch file's record), or of a private model's accuracy."""
    def session(self, *, salt: Optional[Salt] = ..., model: Optional[PathLike] = ...) -> Session:
        """A prover of the folder opened once and kept warm: ``with circuit.session() as s: s.prove(x)``."""
    def prove_many(self, inputs: ArrayLike, *, jobs: int = ..., salt: Optional[Salt] = ..., progress: bool = ...) -> list[Proof]:
        """Proofs of many records (the first axis), ``jobs`` prover sessions side by side."""
    def verify(self, proof: Union[Proof, dict], backend: Optional[str] = ...) -> bool:
        """True when the proof verifies with the folder's verification key (``zokml verify``)."""
    def verify_details(self, proof: Union[Proof, dict], backend: Optional[str] = ...) -> dict:
        """``zokml verify --json``'s verdict: {"verified", "backend", "setup", "public"}."""
    def export_verifier(self, path: Optional[PathLike] = ...) -> str:
        """The Solidity verifier of the folder's key; written to ``path`` when given."""

class Calibration:
    """``zokml calibrate``'s result."""
    candidates: list[dict]
    chosen: Optional[dict]
    goal_met: bool
    float_accuracy: float
    input_range: dict
    goal: str
    settings: Optional[Settings]

def calibrate(model: Model, inputs: ArrayLike, labels: Union[ArrayLike, Sequence[int]], settings: Optional[Settings] = ..., *,
              goal: str = ..., max_loss: Optional[float] = ..., input_bits: Optional[int] = ..., weight_bits: Optional[int] = ...,
              activation_bits: Optional[int] = ..., range_from_data: bool = ..., range_margin: float = ...,
              progress: bool = ...) -> Calibration:
    """The quantization that suits ``model`` on labelled data (``zokml calibrate``)."""

def commit(model: Model, settings: Optional[Settings] = ..., salt: Optional[Salt] = ...) -> Commitment:
    """The Poseidon commitment to the model's quantized parameters, salted (a fresh salt when None)."""

def generate(model: Model, folder: PathLike, settings: Optional[Settings] = ..., *, batch: Optional[ArrayLike] = ...,
             labels: Optional[Iterable[int]] = ...) -> Circuit:
    """The circuit folder of ``model`` with ``settings`` (``zokml generate``)."""
