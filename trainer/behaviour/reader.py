"""The behaviour reader: which triggers and soothers each sentence of a trainee line shows.

Two readers share everything but their features: the live one (the director, `trainer hear`)
reads e5 embeddings in milliseconds; the grader's (`grader_reader`) reads the embedded chat
model's own sentence vectors beside e5's, which hold better on unseen wording but take 0.3 s a
sentence.

Sentence embeddings (multilingual-e5-small) through per-behaviour classifiers trained on varied
labelled sentences carry the behaviours whose wording varies (empathy, blame, options…); exact
phrase rules carry what is exact (the caller's name, "calm down", hold, mute and transfer words)
and veto what a sentence explicitly negates ("I won't put you on hold")."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from trainer.behaviour.classifier import GRADER_WEIGHTS, Classifier, load_classifier, span
from trainer.behaviour.embed import E5Embedder, Embedder, JointEmbedder, grader_features
from trainer.behaviour.rules import (
    BASE_CONFIDENCE,
    TITLED_NAME,
    addressed,
    alternatives,
    name_pattern,
    restated,
    rule_hits,
)
from trainer.behaviour.text import split_pieces
from trainer.behaviour.types import BEHAVIOURS, Heard, Reading

if TYPE_CHECKING:
    from trainer.config import Settings

__all__ = ["BehaviourReader", "Mode", "default_reader", "grader_reader"]

Mode = Literal["both", "rules", "embedding"]
FLOOR = 0.25  # sightings below this confidence are not reported at all
VETOED_CAP = 0.2  # a behaviour the sentence negates keeps at most this confidence
# Tone is a property of a whole sentence: a piece cut from a long one ("Or, if you've got someone
# who helps you with your bills," / "so you don't have to explain it all again") keeps at most
# the confidence its whole sentence has for these.
TONE = ("rude", "dismissive", "defensive")
# Where the grader's reader averages its probability with the live reader's (over the e5 half of
# its features, no extra embedding): on 270 development calls of nine authors, not_defensive
# decided this way agreed with the labels at κ 0.757 against 0.694 for the grader's classifier
# alone; on 330 calls of eleven authors, with reader7's lines in the training, next_steps
# averaged agreed at 0.846 against 0.817, and rude averaged cost stayed_professional (0.631
# against 0.684 for the grader's classifier alone at 0.8; eval/behaviour/README.md, ninth round).
GRADER_BLEND = ("defensive", "next_steps")


class BehaviourReader:
    """Reads trainee lines. ``mode`` exists to measure the parts alone (bench/reader_bench.py)."""

    def __init__(self, embedder: Embedder | None, classifier: Classifier | None,
                 mode: Mode = "both", *, similarity: Embedder | None = None,
                 second: Classifier | None = None, blend: tuple[str, ...] = ()) -> None:
        if mode != "rules" and (embedder is None or classifier is None):
            raise ValueError("an embedding reader needs an embedder and a trained classifier")
        self.embedder, self.classifier, self.mode = embedder, classifier, mode
        # what the grader compares sentences with (a restatement of the caller's words): e5's
        # cosine, whichever features the classifiers read
        self.similarity = similarity or embedder
        # a second opinion: the live (e5) classifier over the last columns of the features
        # (the grader's features end with e5's), averaged in for the behaviours in ``blend``
        self.second, self.blend = second, blend

    @property
    def label(self) -> str:
        """What reads, for a grade's record: the features and the weights' digest."""
        if self.mode == "rules" or self.classifier is None:
            return "rules only"
        features = "model + e5 vectors" if isinstance(self.embedder, JointEmbedder) else "e5"
        second = (f"; {', '.join(self.blend)} averaged with the e5 weights {self.second.digest}"
                  if self.second is not None and self.blend else "")
        return f"{self.mode}: rules + {features} (weights {self.classifier.digest}{second})"

    def read(self, line: str, *, caller_name: str | None = None,
             caller_line: str | None = None) -> Reading:
        """What ``line`` shows. ``caller_name`` enables ``used_name``; ``caller_line`` (what the
        caller said just before) is accepted for readers that use context; this one does not."""
        pieces = split_pieces(line)
        sentences = [piece for piece, _whole in pieces]
        heard: list[Heard] = []
        probs = self._in_context(self._probabilities(sentences), pieces)
        for i, (sentence, whole) in enumerate(pieces):
            heard += self._sentence(sentence, probs[i] if probs is not None else None, caller_name,
                                    whole)
        if self.mode != "embedding":
            heard = self._shapes(heard, pieces, probs)
        return Reading(line, tuple(sentences), tuple(heard))

    def _shapes(self, heard: list[Heard], pieces: list[tuple[str, str]],
                probs: np.ndarray | None) -> list[Heard]:
        """``heard`` with what the line's shape shows beyond its sentences read one at a time:
        a choice offered (`alternatives`) and a restatement checked (`restated`), unless the
        sentence is heard as rude ("Do you want it fixed, or do you want to keep shouting?")."""
        rude = self.classifier.names.index("rude") if self.classifier and "rude" in self.classifier.names else None
        for behaviour, found in (("options", alternatives(pieces)), ("paraphrase", restated(pieces))):
            for i, words in found.items():
                sentence = pieces[i][0]
                if probs is not None and rude is not None and probs[i, rude] >= 0.5:
                    continue
                old = [h for h in heard if h.behaviour == behaviour and h.sentence == sentence]
                conf = max([BASE_CONFIDENCE[behaviour], *(h.confidence for h in old)])
                heard = [h for h in heard if h not in old] + [_heard(behaviour, conf, words, sentence, "rule")]
        return heard

    def _probabilities(self, sentences: Sequence[str]) -> np.ndarray | None:
        if self.mode == "rules" or not sentences:
            return None
        assert self.embedder is not None and self.classifier is not None
        x = self.embedder.embed(sentences)
        probs = self.classifier.probabilities(x)
        if self.second is not None and self.blend:
            other = self.second.probabilities(x[:, -self.second.w.shape[1]:])
            for name in self.blend:
                i, j = self.classifier.names.index(name), self.second.names.index(name)
                probs[:, i] = (probs[:, i] + other[:, j]) / 2
        return probs

    def _in_context(self, probs: np.ndarray | None, pieces: list[tuple[str, str]]
                    ) -> np.ndarray | None:
        """``probs`` with each cut piece's tone capped at its whole sentence's (`TONE`)."""
        cut = [i for i, (piece, whole) in enumerate(pieces) if piece != whole]
        if probs is None or not cut:
            return probs
        assert self.classifier is not None
        wholes = self._probabilities([pieces[i][1] for i in cut])
        assert wholes is not None
        tone = [self.classifier.names.index(b) for b in TONE if b in self.classifier.names]
        probs = probs.copy()
        for row, i in enumerate(cut):
            probs[i, tone] = np.minimum(probs[i, tone], wholes[row, tone])
        return probs

    def _sentence(self, sentence: str, probs: np.ndarray | None,
                  caller_name: str | None, whole: str | None = None) -> list[Heard]:
        found: dict[str, Heard] = {}
        hits, vetoed = rule_hits(sentence, whole)
        if self.mode != "embedding":
            for h in hits:
                found[h.behaviour] = _heard(h.behaviour, h.confidence, h.words, sentence, "rule")
        if probs is not None:
            assert self.classifier is not None
            p_of = dict(zip(self.classifier.names, (float(p) for p in probs), strict=True))
            if "apology" in found and _sarcastic(p_of):
                del found["apology"]  # "oh, I'm so sorry the world doesn't revolve around you"
            for name, p in zip(self.classifier.names, probs, strict=True):
                conf = min(float(p), VETOED_CAP) if name in vetoed else float(p)
                if name in found:  # a rule heard it: the rule's words, the surer confidence
                    rule = found[name]
                    found[name] = _heard(name, max(conf, rule.confidence), rule.words, sentence, "rule")
                elif conf >= FLOOR:
                    found[name] = _heard(name, conf, span(self.classifier, name, sentence), sentence,
                                         "embedding")
        said = _name(sentence, caller_name)
        if said:
            found["used_name"] = _heard("used_name", 0.99, said, sentence, "rule")
        return list(found.values())


def _sarcastic(p: dict[str, float]) -> bool:
    """"Sorry" said in a sentence the classifier hears as rude or dismissive and not as an
    apology: the word is there, the apology is not (the classifier alone decides)."""
    return p.get("apology", 1.0) < 0.5 and max(p.get("rude", 0.0), p.get("dismissive", 0.0)) >= 0.5


def _heard(behaviour: str, confidence: float, words: str, sentence: str, source: str) -> Heard:
    return Heard(behaviour, BEHAVIOURS[behaviour], round(confidence, 3), words, sentence, source)


def _name(sentence: str, caller_name: str | None) -> str | None:
    pattern = name_pattern(caller_name, sentence) if caller_name else None
    if pattern is not None:
        return addressed(pattern, sentence)
    m = TITLED_NAME.search(sentence)
    return m.group(0) if m else None


_default: BehaviourReader | None = None
_grader: dict[str, BehaviourReader] = {}
_lock = threading.Lock()


def default_reader() -> BehaviourReader:
    """The process-wide reader (the embedding model loads on its first read)."""
    global _default
    with _lock:
        if _default is None:
            clf = load_classifier()
            _default = BehaviourReader(E5Embedder(), clf, "both" if clf else "rules")
        return _default


def grader_reader(settings: Settings) -> BehaviourReader:
    """The reader the grader uses after a call: the same rules, with classifiers over the
    embedded chat model's own sentence vectors beside e5's (they hold better on wording nobody
    trained on; too slow for the live turn). The live reader where those weights are missing.
    The model loads on the first read."""
    from trainer.models import embed_runner

    key = settings.model_dump_json()  # the model file, its process and threads follow from them
    with _lock:
        if key in _grader:
            return _grader[key]
    clf = load_classifier(GRADER_WEIGHTS)
    live = default_reader()
    reader = live
    if clf is not None:
        assert isinstance(live.embedder, E5Embedder)
        reader = BehaviourReader(grader_features(embed_runner(settings), live.embedder), clf,
                                 similarity=live.embedder, second=live.classifier, blend=GRADER_BLEND)
    with _lock:
        return _grader.setdefault(key, reader)
