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
    salt: Optional[Salt]
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
    missed: Optional[str]
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

# Split proving (docs/split-proving.md).

class Layout:
    """What a model owner publishes for split proving (``zokml commit --split --layout``): the model
    commitment v2, the parts' layout and the quantization settings; never a parameter's value."""
    @staticmethod
    def load(path: PathLike) -> Layout:
        """A layout file (``zokml commit --split --layout FILE``, or ``save``); InputError naming the field."""
    @staticmethod
    def from_dict(document: dict) -> Layout:
        """A layout from its JSON (``to_dict``'s); InputError naming the field."""
    def save(self, path: PathLike) -> None:
        """Writes the layout file (JSON, format "zokml-layout")."""
    def to_dict(self) -> dict: ...
    @property
    def commitment(self) -> Commitment:
        """The model commitment (``.value``, ``.hex``); ``.salt`` the owner's, None for a layout read from a file."""
    @property
    def model_name(self) -> str: ...
    @property
    def parts(self) -> list[dict]:
        """The parts in commitment order (layer, first, count, inputs, weight_bits, bias_bits, ...)."""
    @property
    def neurons_per_part(self) -> int: ...

def publish_layout(model: Model, settings: Optional[Settings] = ..., *, neurons_per_part: int = ...,
                   salt: Optional[Salt] = ...) -> Layout:
    """The layout to publish for split proving (``zokml commit --split --layout``), salted (a fresh salt when None)."""

def split_setup(layout: Union[Layout, PathLike], folder: PathLike, batch: Optional[ArrayLike] = ...,
                labels: Optional[Union[ArrayLike, Sequence[int]]] = ..., *, batch_size: Optional[int] = ...,
                variant: str = ..., inputs_per_slice: Optional[int] = ..., jobs: int = ..., progress: bool = ...) -> dict:
    """The programs of split proofs for a published layout, set up in a split folder (``zokml split-setup``);
    returns {"folder", "programs": {name: {"constraints"}}, "compile_s", "setup_s", "seconds"}."""

class Bundle:
    """Every proof of a split statement (``zokml split-prove``'s bundle)."""
    json: dict
    public: dict
    times: Optional[dict]
    seconds: Optional[float]
    @staticmethod
    def load(path: PathLike) -> Bundle:
        """A bundle file; InputError naming the file and member."""
    @staticmethod
    def from_dict(document: dict) -> Bundle:
        """A bundle from its JSON; InputError naming the member."""
    def save(self, path: PathLike) -> None:
        """Writes the bundle file, for ``zokml verify --dir DIR --bundle FILE``."""
    @property
    def commitment(self) -> Commitment:
        """The model commitment the bundle proves about (``.value``, ``.hex``)."""
    @property
    def proofs(self) -> int:
        """The number of sub-proofs."""

def split_prove(folder: PathLike, model: Model, salt: Salt, *, threshold: Optional[int] = ...,
                inputs: Optional[ArrayLike] = ..., jobs: int = ..., progress: bool = ...) -> Bundle:
    """A bundle of sub-proofs with the split folder's keys (``zokml split-prove``): the accuracy on the
    folder's batch (private-model), or the classes of ``inputs`` (inference, both-private)."""

class BundleVerdict:
    """``zokml verify --bundle``'s verdict; its truth value is ``verified``."""
    verified: bool
    problems: list[str]
    public: dict
    seconds: float
    def __bool__(self) -> bool: ...

def verify_bundle(folder: PathLike, bundle: Union[Bundle, dict, PathLike], inputs: Optional[ArrayLike] = ..., *,
                  progress: bool = ...) -> BundleVerdict:
    """Checks a bundle with the split folder's keys against the published commitment and the folder's plan
    (``zokml verify --bundle``); a sub-proof that fails is one of the verdict's problems."""
