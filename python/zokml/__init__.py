"""zokml for Python: prove what a neural network computes, with ZoKrates, from PyTorch and NumPy.

    import zokml
    model = zokml.Model.from_torch(net, example=X[:1])
    circuit = zokml.generate(model, "digits-circuit", zokml.Settings(input_bits=8))
    circuit.setup()
    proof = circuit.prove(X[0])          # proof.public == {"class": 3}
    assert circuit.verify(proof)

Every call runs zokml's C++ library as the command ``zokml`` does (docs/python.md); errors are
:class:`zokml.Error` subclasses carrying the command's messages.
"""

import io
import os
import threading
import time

from . import _zokml
from ._errors import Error, InputError, ToolchainError, UsageError, ZokmlIOError

__all__ = [
    "Circuit", "Commitment", "Error", "InputError", "Model", "Proof", "Salt", "Settings", "ToolchainError",
    "UsageError", "ZokmlIOError", "Calibration", "calibrate", "commit", "generate",
    "Bundle", "BundleVerdict", "Layout", "publish_layout", "split_prove", "split_setup", "verify_bundle",
]


def _float_rows(values, name, batch):
    """A C-contiguous float64 NumPy array of the records (torch tensors and any float dtype).

    One record is flattened to a row; a batch keeps its first axis and flattens the rest. Values are
    never clamped or checked here: the library refuses NaN, a wrong width or a value out of range.
    """
    import numpy as np

    if type(values).__module__.split(".")[0] == "torch":  # no import of torch for it
        values = values.detach().cpu().numpy()
    array = np.asarray(values)
    if array.dtype.kind not in "fiu":
        raise InputError(f"{name}: expected numbers, got an array of {array.dtype}", name, name,
                         f"expected numbers, got an array of {array.dtype}")
    array = np.ascontiguousarray(array, dtype=np.float64)
    if batch:
        if array.ndim < 2:
            raise InputError(f"{name}: expected a batch (one record per row), got shape {array.shape}", name, name,
                             f"expected a batch (one record per row), got shape {array.shape}")
        if array.shape[0] == 0:
            raise InputError(f"{name}: the batch has no input", name, name, "the batch has no input")
        return array.reshape(array.shape[0], -1)
    return array.reshape(-1)


def _record(input):
    """One record as the library takes it: a file's path (read as ``zokml prove --input`` reads it), else float values."""
    if isinstance(input, (str, os.PathLike)):
        return os.fspath(input)
    return _float_rows(input, "input", False)


class _Progress:
    """A tqdm line for a step while it runs (the GIL is released meanwhile); nothing when disabled.
    Without ``total`` it shows the time; with one (0 when only the library knows it yet) it counts
    ``unit``s as ``show`` is handed the library's progress states."""

    def __init__(self, step, enabled, total=None, unit="proof"):
        self._bar = None
        self._stop = threading.Event()
        if not enabled:
            return
        from tqdm.auto import tqdm

        counted = total is not None
        self._bar = tqdm(total=total, desc=step, unit=unit if counted else "s", leave=False,
                         bar_format=None if counted else "{desc} {elapsed}")
        if total is None:
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()

    def _tick(self):
        while not self._stop.wait(0.2):
            self._bar.refresh()

    def show(self, progress):
        """Moves the bar to a progress state of the library's (its "done" of "total", what is running)."""
        if self._bar is not None:
            self._bar.total = progress["total"]
            self._bar.set_postfix_str(progress["running"], refresh=False)
            self._bar.update(progress["done"] - self._bar.n)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self._stop.set()
        if self._bar is not None:
            self._bar.close()


class Model:
    """A float classifier: a zokml JSON model or an ONNX file, or a torch module exported to ONNX in memory."""

    def __init__(self, bound, input_shape=None):
        self._model = bound
        self._input_shape = input_shape

    @staticmethod
    def load(path):
        """A model file (zokml JSON or ONNX); InputError naming the file and field when it is not one."""
        return Model(_zokml.load_model(os.fspath(path)))

    @staticmethod
    def from_torch(module, example, name="model"):
        """``torch.onnx.export`` of ``module`` into memory, for inputs shaped like ``example`` (a batch of one)."""
        import torch

        tensor = torch.as_tensor(_float_rows(example, "example", False).reshape(getattr(example, "shape", (1, -1))),
                                 dtype=torch.float32)
        buffer = io.BytesIO()
        was_training = module.training
        module.eval()
        try:
            torch.onnx.export(module, (tensor,), buffer, input_names=["input"], output_names=["output"])
        finally:
            module.train(was_training)
        return Model(_zokml.model_from_onnx(buffer.getvalue(), name), tuple(tensor.shape[1:]))

    @property
    def name(self):
        return self._model.name

    @property
    def parameters(self):
        """The number of weights and biases."""
        return self._model.parameters

    @property
    def input_shape(self):
        return self._input_shape or (self._model.input_size,)

    @property
    def classes(self):
        return self._model.classes

    @property
    def input_range(self):
        """(min, max) of every input value as the model file states it; None for ONNX (give it in the Settings)."""
        return self._model.input_range

    def __repr__(self):
        return f"zokml.Model({self.name!r}, {self.parameters} parameters, input {self.input_shape}, {self.classes} classes)"


class Settings:
    """A circuit's settings: the variant and every option (zokml's setting_options(), the command's flags).

    ``Settings(variant="private-input", input_bits=8, input_range=(0, 1))``; options are attributes.
    """

    def __init__(self, variant="private-input", *, input_range=None, backend=None, **options):
        document = _zokml.default_settings(variant)
        unknown = [name for name in options if name not in document["options"]]
        if unknown:
            known = ", ".join(sorted(document["options"]))
            raise UsageError(f"{variant} takes no option {unknown[0]} (its options: {known})")
        document["options"].update(options)
        if input_range is not None:
            document["input_range"] = {"min": float(input_range[0]), "max": float(input_range[1])}
        if backend is not None:
            document["backend"] = backend
        self._document = _zokml.check_settings(document)

    @staticmethod
    def from_dict(document):
        """Settings from their JSON (``to_dict``'s, a settings file's); InputError naming the field."""
        settings = Settings.__new__(Settings)
        settings._document = _zokml.check_settings(document)
        return settings

    @staticmethod
    def load(path):
        """A settings file (written by ``zokml calibrate`` or ``save``)."""
        return Settings.from_dict(_zokml.read_settings(os.fspath(path)))

    def save(self, path):
        _zokml.write_settings(os.fspath(path), self._document)

    def to_dict(self):
        import copy

        return copy.deepcopy(self._document)

    def with_variant(self, variant, **options):
        """The same quantization and range for another variant (its own options at their defaults)."""
        shared = {name: value for name, value in self._document["options"].items()
                  if name in _zokml.default_settings(variant)["options"]}
        shared.update(options)
        document = self._document
        return Settings(variant, input_range=(document["input_range"]["min"], document["input_range"]["max"])
                        if "input_range" in document else None, backend=document.get("backend"), **shared)

    @property
    def variant(self):
        return self._document["variant"]

    @property
    def input_range(self):
        r = self._document.get("input_range")
        return (r["min"], r["max"]) if r else None

    def __getattr__(self, name):
        options = self.__dict__.get("_document", {}).get("options", {})
        if name in options:
            return options[name]
        raise AttributeError(f"zokml.Settings has no option {name!r}")

    def __eq__(self, other):
        return isinstance(other, Settings) and self._document == other._document

    def __repr__(self):
        options = ", ".join(f"{k}={v!r}" for k, v in self._document["options"].items())
        return f"zokml.Settings({self.variant!r}, {options})"


class Salt:
    """The model owner's secret salt (248 random bits); its repr never shows it."""

    def __init__(self, bound):
        self._salt = bound

    @staticmethod
    def random():
        return Salt(_zokml.Salt.random())

    @staticmethod
    def load(path):
        """A salt file (``zokml commit --salt FILE``)."""
        return Salt(_zokml.Salt.load(os.fspath(path)))

    def save(self, path):
        """Writes a new salt file (mode 0600); InputError when the file exists."""
        self._salt.save(os.fspath(path))

    def __repr__(self):
        return "zokml.Salt(<secret>)"

    __str__ = __repr__


class Commitment:
    """The commitment to a model's quantized parameters: ``value`` (int), ``hex``, and the ``salt`` behind it
    (None when unknown: the commitment of a layout or bundle read from a file)."""

    def __init__(self, value, salt):
        self.value = value
        self.salt = salt

    @property
    def hex(self):
        return f"0x{self.value:064x}"

    @property
    def decimal(self):
        return str(self.value)

    def __repr__(self):
        return f"zokml.Commitment({self.hex})"


def commit(model, settings=None, salt=None):
    """The Poseidon commitment to ``model``'s parameters quantized with ``settings`` (``zokml commit``),
    salted with ``salt`` (a fresh random one when None: keep it, proofs about the commitment need it)."""
    settings = settings or Settings()
    salt = salt or Salt.random()
    return Commitment(int(_zokml.commit(model._model, settings._document, salt._salt)), salt)


class Proof:
    """A proof: ``json`` (ZoKrates' proof JSON, a dict ``json.dump`` writes) and ``public`` (what it reveals)."""

    def __init__(self, document, public, seconds=None):
        self.json = document
        self.public = public
        self.seconds = seconds

    def save(self, path):
        import json

        with open(path, "w") as f:
            json.dump(self.json, f, indent=2)

    def __repr__(self):
        return f"zokml.Proof({self.public})"


class Session:
    """A circuit folder's prover kept warm (``Circuit.session``); ``close()`` (or the ``with`` block's end)
    stops its prover process and removes its temporary folder."""

    def __init__(self, circuit, salt=None, model=None):
        self.circuit = circuit
        self._session = _zokml.Session(circuit.folder, salt and salt._salt, None if model is None else os.fspath(model))

    def prove(self, input=None, *, index=None, claimed_class=None, threshold=None):
        """As ``Circuit.prove``, in this session."""
        if self._session is None:
            raise UsageError("the session is closed")
        record = None if input is None else _record(input)
        started = time.monotonic()
        result = self._session.prove(record, index, claimed_class, threshold)
        return Proof(result["proof"], result["public"], time.monotonic() - started)

    def verify(self, proof):
        """As ``Circuit.verify``."""
        return self.circuit.verify(proof)

    def close(self):
        self._session = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Circuit:
    """A circuit folder (``zokml generate``'s): compile, setup, prove, verify and export with its keys."""

    def __init__(self, folder):
        self.folder = os.path.abspath(os.fspath(folder))

    @property
    def settings(self):
        lock = _zokml.read_lock(self.folder)["spec"]
        return Settings.from_dict({k: lock[k] for k in ("variant", "options", "input_range", "backend") if k in lock})

    def compile(self, progress=True):
        """Compiles the sources (cached); returns {"constraints", "cache", "key", "program"}."""
        with _Progress("compile", progress):
            return _zokml.compile(self.folder)

    def setup(self, scheme="g16", backend=None, progress=True):
        """Compiles when needed, then the proving and verification keys (``zokml setup``)."""
        started = time.monotonic()
        with _Progress("setup", progress):
            result = _zokml.setup(self.folder, scheme, backend)
        result["seconds"] = time.monotonic() - started
        return result

    def prove(self, input=None, *, index=None, claimed_class=None, threshold=None, salt=None, model=None, progress=True):
        """A proof (``zokml prove``): of ``input`` (one record, any float array, quantized with the model's
        range and refused outside it; or a file's path, read as ``zokml prove --input`` reads it: a JSON array
        of integers, or the record ``index`` of a .npy, CSV or JSON batch file), or for private-model of the
        public batch's accuracy (``threshold``, ``salt``: the commitment's)."""
        rows = None if input is None else _record(input)
        started = time.monotonic()
        with _Progress("prove", progress):
            result = _zokml.prove(self.folder, rows, index, claimed_class, threshold, salt and salt._salt,
                                  None if model is None else os.fspath(model))
        return Proof(result["proof"], result["public"], time.monotonic() - started)

    def session(self, *, salt=None, model=None):
        """A prover of the folder opened once and kept warm (one prover process, the key loaded once):
        ``with circuit.session() as s: s.prove(x)``; each proof is checked as ``prove``'s is."""
        return Session(self, salt, model)

    def prove_many(self, inputs, *, jobs=1, salt=None, progress=True):
        """Proofs of many records (the first axis), ``jobs`` prover sessions side by side."""
        rows = _float_rows(inputs, "inputs", True)
        seconds = {}
        with _Progress("prove", progress, total=len(rows)) as bar:
            def done(index, s, progress):
                seconds[index] = s
                bar.show(progress)

            results = _zokml.prove_batch(self.folder, rows, salt and salt._salt, jobs, done)
        return [Proof(r["proof"], r["public"], seconds.get(i)) for i, r in enumerate(results)]

    def verify(self, proof, backend=None):
        """True when the proof verifies with the folder's verification key (``zokml verify``)."""
        return self.verify_details(proof, backend)["verified"]

    def verify_details(self, proof, backend=None):
        """``zokml verify --json``'s verdict: {"verified", "backend", "setup", "public"}."""
        document = proof.json if isinstance(proof, Proof) else proof
        return _zokml.verify(self.folder, document, backend)

    def export_verifier(self, path=None):
        """The Solidity verifier of the folder's key (``zokml export-verifier``); written to ``path`` when given."""
        source = _zokml.export_verifier(self.folder)
        if path is not None:
            with open(path, "w") as f:
                f.write(source)
        return source

    def __repr__(self):
        return f"zokml.Circuit({self.folder!r})"


def generate(model, folder, settings=None, *, batch=None, labels=None):
    """The circuit folder of ``model`` with ``settings`` (``zokml generate``). private-model: ``batch`` and
    ``labels`` are its public labelled batch (written into the folder as batch.json)."""
    settings = settings or Settings()
    rows = None if batch is None else _float_rows(batch, "batch", True)
    label_list = None if labels is None else [int(v) for v in (labels.tolist() if hasattr(labels, "tolist") else labels)]
    _zokml.generate(model._model, os.fspath(folder), settings._document, rows, label_list)
    return Circuit(folder)


class Calibration:
    """``zokml calibrate``'s result: ``candidates`` and ``chosen`` (dicts, keys as its --json's), ``settings``
    (the chosen quantization, None when no candidate suits the goal), ``goal_met``, ``float_accuracy``, ``missed``
    (why the goal is not met, as the command's error says it; None when it is)."""

    def __init__(self, result):
        self.candidates = result["candidates"]
        self.chosen = result["chosen"]
        self.goal_met = result["goal_met"]
        self.missed = result["missed"]
        self.float_accuracy = result["float_accuracy"]
        self.input_range = result["input_range"]
        self.goal = result["goal"]
        self.settings = None if result["settings"] is None else Settings.from_dict(result["settings"])

    def __repr__(self):
        return f"zokml.Calibration(chosen={self.chosen}, goal_met={self.goal_met})"


def calibrate(model, inputs, labels, settings=None, *, goal="agreement", max_loss=None, input_bits=None, weight_bits=None,
              activation_bits=None, range_from_data=False, range_margin=0.05, progress=True):
    """The quantization that suits ``model`` on labelled data (``zokml calibrate``): every width of the grid
    measured, the cheapest meeting ``goal`` ("agreement", "agreement:P", "accuracy", "constraints") chosen.
    A width given (``input_bits``, ``weight_bits``, ``activation_bits``) is kept, as the command's flags keep it:
    ``activation_bits=0`` for a quantization that also serves a private-model circuit.
    ``max_loss`` is a fraction (0.01: one point); ``range_from_data`` takes the input range from the data."""
    settings = settings or Settings()
    rows = _float_rows(inputs, "inputs", True)
    label_list = [int(v) for v in (labels.tolist() if hasattr(labels, "tolist") else labels)]
    # The bar moves after each candidate, from the search (the GIL taken back for it).
    with _Progress("calibrate", progress, total=0, unit="candidate") as bar:
        result = _zokml.calibrate(model._model, rows, label_list, settings._document, goal, max_loss, input_bits, weight_bits,
                                  activation_bits, range_from_data, range_margin, bar.show if progress else None)
    return Calibration(result)


# --- Split proving (docs/split-proving.md): the statements of private-model and both-private circuits
# --- proven in many small sub-proofs linked by commitments; python/_split.cpp binds it.

def _labels(labels):
    return None if labels is None else [int(v) for v in (labels.tolist() if hasattr(labels, "tolist") else labels)]


def _save_json(path, document, indent):
    """A JSON file as the command writes it (a layout, a bundle)."""
    import json

    with open(path, "w") as f:
        json.dump(document, f, indent=indent)
        f.write("\n")


class Layout:
    """What a model owner publishes for split proving (``zokml commit --split --layout``): the model
    commitment (version 2: a chain over parts of the first layer's neurons, each salted), the parts'
    layout and the quantization settings the commitment was made with; never a parameter's value.

    ``commitment`` is a :class:`Commitment` (``.value``, ``.hex``); its ``salt`` is the owner's when this
    layout came from :func:`publish_layout`, None when it was read from a file."""

    def __init__(self, document, salt=None):
        self._document = document
        self._salt = salt

    @staticmethod
    def load(path):
        """A layout file (``zokml commit --split --layout FILE``, or ``save``); InputError naming the field."""
        return Layout(_zokml.read_layout(os.fspath(path)))

    @staticmethod
    def from_dict(document):
        """A layout from its JSON (``to_dict``'s); InputError naming the field."""
        return Layout(_zokml.check_layout(document))

    def save(self, path):
        """Writes the layout file (JSON, format "zokml-layout") to hand to the party that sets up the programs."""
        _save_json(path, self._document, 2)

    def to_dict(self):
        import copy

        return copy.deepcopy(self._document)

    @property
    def commitment(self):
        return Commitment(int(self._document["commitment"]), self._salt)

    @property
    def model_name(self):
        return self._document["model_name"]

    @property
    def parts(self):
        """The parts in commitment order, each a dict (layer, first, count, inputs, weight_bits, bias_bits, ...)."""
        return [dict(p) for p in self._document["parts"]]

    @property
    def neurons_per_part(self):
        return self._document["parts"][0]["count"]

    def __eq__(self, other):
        return isinstance(other, Layout) and self._document == other._document

    def __repr__(self):
        return f"zokml.Layout({self.model_name!r}, {len(self._document['parts'])} parts, commitment {self.commitment.hex})"


def publish_layout(model, settings=None, *, neurons_per_part=4, salt=None):
    """The layout to publish for split proving (``zokml commit --split --layout``): ``model``'s parameters
    quantized with ``settings`` (its widths and input range), committed in parts of ``neurons_per_part``
    neurons of each hidden layer, salted with ``salt`` (a fresh random one when None: keep
    ``layout.commitment.salt``, split_prove needs it)."""
    settings = settings or Settings()
    salt = salt or Salt.random()
    return Layout(_zokml.publish_layout(model._model, settings._document, neurons_per_part, salt._salt), salt)


def split_setup(layout, folder, batch=None, labels=None, *, batch_size=None, variant="private-model", inputs_per_slice=None,
                jobs=1, progress=True):
    """Generates, compiles and sets up the programs of split proofs for a published ``layout`` (a
    :class:`Layout` or its file) in the split ``folder`` (``zokml split-setup``); for the party that must
    run the setup (the verifier, never the model owner: docs/security.md).

    ``variant`` "private-model": the statement "the committed model classifies at least T of a public
    labelled batch correctly", on ``batch`` and ``labels`` (float arrays, quantized with the layout's input
    range and refused outside it), or ``batch_size`` held-out MNIST digits (default 100). "inference"
    (public inputs) or "both-private" (private inputs): programs that prove the committed model's classes
    of any ``batch_size`` inputs (default 1) at a time; no batch is kept. ``inputs_per_slice``: inputs per
    slice proof (default 20; inference and both-private 5). ``jobs`` programs are compiled at once.
    Returns ``zokml split-setup --json``'s result: {"folder", "programs": {name: {"constraints"}},
    "compile_s", "setup_s", "seconds"}."""
    if not isinstance(layout, Layout):
        layout = Layout.load(layout)
    rows = None if batch is None else _float_rows(batch, "batch", True)
    with _Progress("split-setup", progress):
        return _zokml.split_setup(layout._document, os.fspath(folder), rows, _labels(labels), batch_size, variant,
                                  inputs_per_slice, jobs)


class Bundle:
    """Every proof of a split statement, in one JSON document (``zokml split-prove``'s bundle).

    ``public`` is what it proves, as ``zokml split-prove --json``'s "public": {"variant", "commitment"
    (decimal), and "threshold" and "correct" (private-model) or "classes" (inference, both-private; with
    "input_commitments" for both-private)}; ``commitment`` the model commitment as a :class:`Commitment`;
    ``json`` the bundle's JSON (a dict ``json.dump`` writes); ``times`` (split_prove's: reference_s,
    witness_s, prove_s summed over the sub-proofs, wall_s) and ``seconds`` (None for a bundle read)."""

    def __init__(self, result, times=None, seconds=None):
        self.json = result["bundle"]
        self.public = result["public"]
        self.times = times
        self.seconds = seconds

    @staticmethod
    def load(path):
        """A bundle file (``zokml split-prove``'s, or ``save``'s); InputError naming the file and member."""
        return Bundle(_zokml.read_bundle_file(os.fspath(path)))

    @staticmethod
    def from_dict(document):
        """A bundle from its JSON; InputError naming the member."""
        return Bundle(_zokml.read_bundle(document))

    def save(self, path):
        """Writes the bundle file, for ``zokml verify --dir DIR --bundle FILE``."""
        _save_json(path, self.json, 1)

    @property
    def commitment(self):
        return Commitment(int(self.public["commitment"]), None)

    @property
    def proofs(self):
        """The number of sub-proofs."""
        return len(self.json["proofs"])

    def __repr__(self):
        return f"zokml.Bundle({self.proofs} proofs, {self.public})"


def split_prove(folder, model, salt, *, threshold=None, inputs=None, jobs=1, progress=True):
    """A bundle of sub-proofs with the split ``folder``'s keys (``zokml split-prove``): ``model`` is
    quantized as the folder's layout records (its widths and input range: no setting is repeated), and
    its commitment with the owner's ``salt`` must be the layout's (else InputError).

    private-model folders: the model classifies at least ``threshold`` (default: its count) of the
    folder's batch correctly (InputError when no proof exists). inference and both-private folders: the
    classes of ``inputs`` (float arrays, as many as the folder takes). ``jobs`` sub-proofs run at once,
    each in a private scratch folder; progress counts them (a tqdm bar, off with ``progress=False``)."""
    rows = None if inputs is None else _float_rows(inputs, "inputs", True)
    begun = time.monotonic()
    # The bar moves as each sub-proof starts (naming it), and once at the end, from the proving threads.
    with _Progress("split-prove", progress, total=0) as bar:
        result = _zokml.split_prove(os.fspath(folder), model._model, salt._salt, threshold, rows, jobs,
                                    bar.show if progress else None)
    return Bundle(result, result["times"], time.monotonic() - begun)


class BundleVerdict:
    """``zokml verify --bundle``'s verdict: ``verified`` (true when every proof verifies and every link
    holds; also the verdict's truth value), ``problems`` (each names the proof and the link that failed),
    ``public`` (what the bundle states), ``seconds``."""

    def __init__(self, result):
        self.verified = result["verified"]
        self.problems = result["problems"]
        self.public = result["public"]
        self.seconds = result["seconds"]

    def __bool__(self):
        return self.verified

    def __repr__(self):
        return f"zokml.BundleVerdict(verified={self.verified}, problems={self.problems})"


def verify_bundle(folder, bundle, inputs=None, *, progress=True):
    """Checks a bundle (a :class:`Bundle`, its JSON or its file) with the split ``folder``'s verification
    keys against the layout's published commitment and the folder's own plan (``zokml verify --bundle``):
    on the folder's batch (private-model), on the public ``inputs`` (inference: as many as the folder
    takes) or on the input commitments the bundle shows (both-private). A sub-proof that is not a proof
    or does not verify is one of the verdict's problems, not an exception."""
    if isinstance(bundle, Bundle):
        document = bundle.json
    elif isinstance(bundle, dict):
        document = bundle
    else:
        document = Bundle.load(bundle).json
    rows = None if inputs is None else _float_rows(inputs, "inputs", True)
    with _Progress("verify", progress):
        return BundleVerdict(_zokml.verify_bundle(os.fspath(folder), document, rows))
