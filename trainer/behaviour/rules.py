"""Phrase rules, kept only where wording is exact: the caller's name, "calm down", explicit hold,
mute and transfer words; "sorry you feel that way"; negation ("I won't put you on hold"); goodbyes and
abuse warnings; and the shape of a choice ("I can X, or Y"), which spans clauses and sentences that a
sentence classifier reads one at a time.

Everything else (empathy, blame, options…) is the embedding classifier's business: phrase lists
written beside their own test lines do not hold on wording they were never written for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from trainer.behaviour.sounds import sounds_alike

__all__ = ["RuleHit", "addressed", "alternatives", "is_boundary_warning", "is_goodbye", "misspelt",
           "name_pattern", "negated", "restated", "rule_hits"]


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# Numbers as said (a speech-to-text line spells them), longest first where one starts another.
NUMBER_WORDS = (r"forty[- ]?eight|seventy[- ]?two|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|"
                r"nineteen|twenty|thirty|forty|ninety|one|two|three|four|five|six|seven|eight|nine|ten|"
                r"eleven|twelve")
_NUM = rf"(?:\d{{1,3}}|{NUMBER_WORDS})"
_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
# A time said precisely enough to assert a plan (the reader's next-steps rule); the grader's
# detectors.TIME is broader on purpose: there it is only a minimum a next step must meet.
_WHEN = (rf"(?:\b(?:today|tonight|tomorrow|{_DAY}|this (?:morning|afternoon|evening|week|weekend)|overnight|"
         rf"later today|close of business|end of play)\b|"
         rf"\bwithin (?:the |an? |{_NUM} )|\bin the next \w+|\bby (?:{_NUM}|noon|midday|tomorrow|"
         rf"tonight|the end|end of|{_DAY})|\b{_NUM}(?: to {_NUM})? (?:working |business )?"
         rf"(?:days|hours|minutes)\b|\bbetween {_NUM}|\bat (?:{_NUM}|noon|midday)\b|"
         rf"\b\d{{1,2}}(?::\d\d)? ?(?:am|pm|a\.m\.|p\.m\.)|\bthe \d{{1,2}}(?:st|nd|rd|th)\b|"
         rf"\bnext (?:week|month|{_DAY})\b|\bfirst thing\b)")
# A guarantee with a time is an empty promise, not a plan (the classifier decides on it).
GUARANTEE = _rx(r"\b(?:promise|guarantee\w*|definitely|certain(?:ly)?|absolutely|100|hundred percent|"
                r"swear|my word|trust me|no question)\b")

# Condescension that is unmistakable in an agent's mouth: rude to the reader, and unprofessional
# to the grader whatever the model says (`trainer.grading.detectors.INSULT`).
CONDESCENSION = (r"\bnot rocket science\b", r"\bget over it\b", r"\bgrow up\b", r"\bwhat part of\b",
                 r"\bstop (?:whining|moaning)\b", r"\bare you (?:even )?(?:listening|deaf|thick|dense)\b")

EXACT: dict[str, re.Pattern[str]] = {
    "calm_down": _rx(
        r"\b(?:calm|settle|simmer|cool) (?:yourself |it )?down\b", r"\bcalm yourself\b",
        r"(?:^|[,.!?]\s*|\b(?:just|please|try to|need to|you should|gotta|got to) )relax\b",
        r"\bchill out\b", r"\blower your voice\b", r"\bkeep your voice down\b",
        r"\bstop (?:shouting|yelling|screaming|raising your voice)\b",
        r"\btake a (?:deep )?breath\b", r"\btake it easy\b", r"\bcool it\b",
        r"\b(?:dial|tone|take) it down\b", r"\b(?:no need for|watch) (?:that|your) tone\b",
        r"\bno need to (?:get|be) (?:so )?(?:upset|angry|worked up|emotional|hysterical)\b",
        r"\bno need to (?:shout|yell|scream|raise your voice|swear at me)\b",
        r"\bdon'?t (?:get|be) (?:so )?(?:upset|angry|emotional|worked up|hysterical)\b"),
    "hold": _rx(
        r"\b(?:put|place|putting|placing|pop|popping|keep|leave) you (?:on|onto) (?:a )?"
        r"(?:quick |brief |short |little )?hold\b",
        r"\bplease hold\b", r"\bhold the line\b", r"\bhold(?:,)? please\b",
        r"\b(?:can|could|would|will) you (?:please )?hold\b", r"\bmute (?:you|the line|the call)\b",
        r"\b(?:mute|muting) (?:you|this)\b", r"\bon mute\b",
        # "hang on" / "hold on" that ends what is said, or asks for a moment: the line goes quiet
        r"\b(?:hang|hold) on(?: (?:a|one) (?:sec|second|minute|moment|mo|tick))?\W*$",
        r"\b(?:hang|hold) on (?:a|one) (?:sec|second|minute|moment|mo|tick)\b"),
    "transfer": _rx(
        r"\btransfer(?:ring)? (?:you|your call|this call|the call)\b",
        r"\bput you through to\b", r"\b(?:pass|passing|hand|handing) you (?:over )?to\b",
        r"\b(?:redirect|reroute|forward)(?:ing)? (?:you|your call)\b",
        r"\bconnect(?:ing)? you (?:to|with) (?:another|a different|the|our) "),
    # What happens next, with when (the rubric's own test): a future action and a time.
    "next_steps": _rx(
        r"\b(?:i'?ll|i will|we'?ll|we will|you'?ll|you will|it'?ll|it will|he'?ll|she'?ll|they'?ll|"
        r"(?:is|are|it'?s|that'?s) (?:booked|scheduled|confirmed|arranged)|goes out|ships|arrives?)\b"
        r"[^.?!]{0,80}?" + _WHEN,
        _WHEN + r"[^.?!]{0,40}?\b(?:i'?ll|i will|we'?ll|we will|you'?ll|you will|it'?ll|it will)\b"),
    # The apology's own words; the non-apologies are excluded below (NOT_APOLOGY).
    "apology": _rx(r"\bsorry\b", r"\bapologi[sz]e\b", r"\bapologies\b", r"\bmy apology\b",
                   r"\bmy bad\b", r"\b(?:our|my) (?:mistake|fault|error)\b",
                   r"\b(?:that'?s|that is|it'?s|it is|this is|this one'?s|that one'?s) on (?:us|me)\b"),
    # The rubric's own non-apology: "sorry you feel that way" dismisses the feeling it names.
    "dismissive": _rx(r"\bsorry,? (?:that |if )?you (?:feel|see (?:it|things)|look at it) (?:that|this) way\b",
                      r"\bsorry,? (?:that |if )?you feel like that\b", r"\bsorry if you feel\b"),
    # Restating to check, in the rubric's own frames ("just to confirm", "so you're saying", "if
    # I've got this right", "have I got that right?"); only with enough words to restate something and no
    # read-back of a number, address or reference (see PARAPHRASE_MIN_WORDS and READ_BACK).
    "paraphrase": _rx(r"\bjust so (?:i'?m|im|i am) (?:sure|clear)\b",
                      r"\bjust to (?:make sure|confirm)\b", r"\bso,? (?:just )?to (?:confirm|be clear)\b",
                      r"\b(?:let me|can i|could i) (?:just )?(?:make sure i|confirm i|repeat)\b",
                      r"\bif i'?ve (?:got|understood) (?:this|that|it|you)\b",
                      r"\bso,? (?:you'?re|youre|you are) (?:saying|telling me|asking|calling)\b",
                      r"\bso what (?:you'?re|youre) (?:saying|telling me)\b", r"\bwhat i'?m hearing is\b",
                      r"\bso,? (?:you'?ve|youve|you have|you were)\b",
                      r"\b(?:have|did) i (?:got|get) (?:that|it|this|everything) right\b"),
    # A guarantee and "never again" are the rubric's own examples of promises nobody can keep
    # ("I guarantee it's on tomorrow's first van"; "it'll never happen again"); negated ("I can't
    # guarantee") or reported they are not.
    "empty_promise": _rx(r"\b(?:i|we) (?:can |will |'ll )?(?:personally )?guarantee\b",
                         r"\b(?:it'?s|that'?s|it is|that is|is|are|it'?ll be|will be) (?:\w+ )?guaranteed\b",
                         r"\bnever\b(?! (?:want|wanted|meant))[^.?!,]{0,50}\bagain\b",
                         r"\bnever (?:have|get|see|happen)\b[^.?!,]{0,30}\banother\b",
                         r"\b(?:won'?t|will not|wont) (?:ever )?happen (?:to you )?again\b",
                         # a promise of what others or events will do ("it'll definitely arrive
                         # today", "I can assure you the router will fix it", "…, I promise"); a
                         # commitment of the trainee's own ("I'll definitely call you") is honest
                         r"\b(?:it|they|that|this|he|she|the \w+|your \w+)(?:'ll| will| is going to|'s going to|"
                         r" are going to) (?:definitely|certainly|100%|for sure)\b",
                         r"\bi (?:can )?assure you\b(?! (?:that )?(?:i|we)\b)[^.?!]{0,60}"
                         r"\b(?:will|won'?t|'ll|is|are)\b",
                         r"\bi promise(?: you)?\W*$", r",\s*guaranteed\W*$",
                         r"\bi promise(?: you)?,? (?:that )?(?:it|they|this|that|your|"
                         r"the|he|she|nothing)\b"),
    # The rubric's own words for denying responsibility ("not my fault", "not my department"),
    # and the caller blamed by a counterfactual on their own doing ("if you'd sent the photos, it
    # wouldn't still be under review"), as in the rubric's "You should have read the terms"
    "defensive": _rx(r"\bnot (?:my|our) (?:fault|problem|department|responsibility|job|concern)\b",
                     # a bare policy wall ("It's policy."): policy with what can be done is fine
                     r"^\W*(?:(?:well|look|sorry|i'?m afraid|no),? )?(?:it'?s|that'?s|its|thats|it is|that is) "
                     r"(?:just )?(?:the |our |company )?polic(?:y|ies)\W*$",
                     r"\bif you(?:'?d| had)\b(?! (?:like|prefer|rather|want|care|mind|be (?:so kind|happy|able|"
                     r"willing)))[^.?!]{0,80}\b(?:you|it|this|that|we|there)(?:'?d| would(?:n'?t)?)\b"),
    # Insults and slurs on the caller are exact words; sarcasm is the classifier's business.
    "rude": _rx(r"\bshut up\b", r"\b(?:idiot|moron|stupid|dumb|imbecile|clown|genius|einstein)s?\b",
                r"\bare you (?:stupid|serious)\b", r"\bstop complaining\b", r"\bnot my problem\b",
                r"\byou'?re not (?:my|the) only (?:customer|caller|person)\b", *CONDESCENSION),
}
BASE_CONFIDENCE = {"calm_down": 0.97, "hold": 0.95, "transfer": 0.95, "apology": 0.9, "rude": 0.9,
                   "next_steps": 0.85, "dismissive": 0.9, "defensive": 0.9, "empty_promise": 0.9, "paraphrase": 0.85,
                   "options": 0.85}
PARAPHRASE_MIN_WORDS = 8
READ_BACK = _rx(r"\d", r"\bpost ?code\b", r"\baddress\b", r"\bdate of birth\b", r"\b(?:account|order|policy|"
                r"reference|membership|card) number\b", r"\bspel(?:l|t)", r"\bemail\b")
# "Sorry" that is not an apology: "sorry you feel that way", "sorry, but that's policy", "sorry,
# what was the postcode?", "I'm not sorry", "nothing to apologise for".
NOT_APOLOGY = _rx(r"\bsorry,? (?:that |if )?you(?:'re| are)? (?:feel|think|misunderstood|didn'?t|see it|"
                  r"upset|unhappy|annoyed|disappointed|not happy)",
                  r"\bsorry,? if\b", r"\bsorry,? but\b", r"\bnot sorry\b",
                  r"\bnothing to apologi[sz]e\b", r"\bno need to apologi[sz]e\b",
                  r"\bsorry,? (?:what|who|where|when|how|which|can|could|would|did|do|is|was|are|"
                  r"say|i didn'?t (?:catch|hear|get))\b(?!.*\b(?:about|for)\b)",
                  r"\bsorry to (?:interrupt|bother|cut in|cut you off|jump in)\b",
                  r"\b(?:not|wasn'?t|isn'?t|never)(?: really| exactly| entirely| actually)? (?:our|my) "
                  r"(?:mistake|fault|error)\b", r"\b(?:idiot|stupid|dumb) (?:mistake|error)\b",
                  r"\b(?:my|our) fault (?:now|then)\b", r"^\W*no,? sorry\b")  # "no, sorry" refuses
# "Sorry" beside a wall ("sorry, nothing I can do", "sorry for the delay but that's the policy"):
# regret as a wall, not an apology for the problem. It holds across the whole sentence, so a
# piece the splitter cut from it ("okay so sorry for the delay") is no apology either.
POLICY_SORRY = _rx(r"\bsorry,? (?:but )?(?:there'?s )?(?:nothing|not much|not a lot) (?:i|we) can do\b",
                   r"\b(?:nothing|not much) (?:i|we) can do(?: about (?:it|that))?,? sorry\b",
                   r"\bpolicy,? sorry\b",
                   r"\bsorry\b.*\b(?:that'?s|thats|it'?s|its|it is|that is) (?:just )?(?:the |our |company )?policy\b",
                   r"\b(?:it'?s|its|that'?s|thats) (?:just )?(?:the |our |company )?policy\b.*\bsorry\b")
UNNEGATED = {"apology"}  # "we didn't tell you, sorry" is an apology; NOT_APOLOGY has "not sorry"
# Words that, negated ("I won't put you on hold", "I'd never tell you to relax"), veto the
# classifier for that behaviour in that sentence, even where no exact rule matched.
MENTION: dict[str, re.Pattern[str]] = {
    "calm_down": _rx(r"\bcalm\b", r"\brelax\b", r"\bsettle\b", r"\bchill\b", r"\bshout"),
    "hold": _rx(r"\bhold\b", r"\bmute\b", r"\bwait\b"),
    "transfer": _rx(r"\btransfer", r"\bput you through\b", r"\bpass(?:ing)? you\b",
                    r"\bbounced?\b"),
    # "I can't promise it'll be there tomorrow" is honesty, the opposite of an empty promise.
    "empty_promise": _rx(r"\bpromise\b", r"\bguarantee\w*", r"\bassure\b"),
}

# Owning the fault is the opposite of defensive: "that one's on us", "we got it wrong". The fault
# words pull the classifier towards blame; in such a sentence it must not hear defensiveness.
OWNED = _rx(r"\b(?:that'?s|that is|it'?s|it is|this is|this one'?s|that one'?s|was) (?:all )?on (?:us|me)\b",
            r"(?<!not )(?<!n't )\b(?:(?:was|is|'s) )?(?:our|my|entirely our|totally our|completely our) "
            r"(?:fault|mistake|error)\b",
            r"\bwe (?:got it|got that|messed (?:it |that )?up|dropped the ball|should have|"
            r"should've)\b", r"\bi should have\b",
            r"\b(?:the )?(?:fault|mistake|error|blame) (?:is|was|'s) (?:entirely |all |completely |totally )?"
            r"(?:ours|mine|on us|on our side)\b",
            # a failure told plainly as ours: "we told you Thursday and we didn't deliver"
            r"\bwe (?:didn'?t|did not|never|failed to) (?:deliver|send|ship|call you|ring you|tell you|"
            r"let you know|update you|turn up|show up|follow up|fix|process|keep)\b")

# A short question or offer that only hands the caller a choice or asks who they are: read
# alone, out of its line, the classifier can hear sarcasm in it; its words carry none.
PLAIN_ASK = _rx(r"^\W*(?:so |and |okay,? |ok,? )?(?:which|what) (?:one |option )?(?:suits|works|would suit|would work|"
                r"(?:do|would) you (?:prefer|like|rather))(?: (?:you|for you|best|better))?\W*$",
                r"^\W*(?:or )?(?:both|either)(?: one)?,? if (?:you|you'?d) (?:like|want|prefer|rather)\W*$",
                r"^\W*whichever(?: one)? (?:you|you'?d) (?:like|want|prefer|rather)\W*$",
                r"^\W*(?:and )?who am i (?:speaking|talking) (?:to|with)(?: today)?\W*$")

_NEGATION = re.compile(
    r"\b(?:not|never|won'?t|wouldn'?t|don'?t|didn'?t|can'?t|cannot|no need to|rather than|instead of|without|"
    r"avoid|not going to|no one will|nobody will|not gonna)\b[\w\s,']{0,30}$", re.IGNORECASE)
_NEAR_NEGATION = re.compile(r"\b(?:not|never|can'?t|cannot|won'?t|don'?t|couldn'?t|wouldn'?t|no)\b(?:\s+[\w']+){0,4}"
                            r"\s*$", re.IGNORECASE)
NEAR_ONLY = {"empty_promise"}
# Reported speech: "you said not to tell you to calm down", "someone told you to relax".
_REPORTED = re.compile(r"\b(?:you said|you asked|told you to|asked you to)\b[\w\s,']{0,20}$",
                       re.IGNORECASE)


@dataclass(frozen=True)
class RuleHit:
    behaviour: str
    words: str
    confidence: float


def negated(sentence: str, start: int, behaviour: str = "") -> bool:
    """The words before ``start`` negate or report what follows. A promise is negated only
    right before it ("I can't promise"), not by a "won't" in what is promised."""
    before = sentence[:start]
    near = _NEAR_NEGATION if behaviour in NEAR_ONLY else _NEGATION
    return bool(near.search(before) or _REPORTED.search(before))


def _first(pattern: re.Pattern[str], sentence: str, behaviour: str = "") -> tuple[re.Match[str] | None, bool]:
    """The first un-negated match, and whether a negated one was seen."""
    saw_negated = False
    for m in pattern.finditer(sentence):
        if negated(sentence, m.start(), behaviour):
            saw_negated = True
        else:
            return m, saw_negated
    return None, saw_negated


def rule_hits(sentence: str, whole: str | None = None) -> tuple[list[RuleHit], set[str]]:
    """Exact-phrase behaviours in one sentence, and the behaviours it explicitly negates
    (which the classifier must not report for this sentence). ``whole``: the punctuated
    sentence a piece was cut from, whose policy wall ("sorry … but that's the policy") holds
    for the piece too."""
    hits, vetoed = [], set()
    not_apology = bool(NOT_APOLOGY.search(sentence) or POLICY_SORRY.search(sentence))
    walled = not_apology or bool(whole and POLICY_SORRY.search(whole))
    for name, pattern in EXACT.items():
        if name in UNNEGATED:
            m, saw_negated = pattern.search(sentence), False
        else:
            m, saw_negated = _first(pattern, sentence, name)
        if name == "next_steps" and GUARANTEE.search(sentence):
            m, saw_negated = None, False
        if name == "paraphrase" and (len(sentence.split()) < PARAPHRASE_MIN_WORDS or READ_BACK.search(sentence)):
            m, saw_negated = None, False
        if name == "apology" and walled:
            m, saw_negated = None, True  # the classifier must not hear it either
        if m:
            hits.append(RuleHit(name, m.group(0).strip(" ,.!?"), BASE_CONFIDENCE[name]))
        elif saw_negated:
            vetoed.add(name)
    if OWNED.search(sentence) and not not_apology:
        vetoed.add("defensive")
    if CALL_END_WARNING.search(sentence) and not any(h.behaviour == "rude" for h in hits):
        vetoed.add("rude")  # the calm warning the rubric asks for is not rudeness
    if (CALL_END_WARNING.search(sentence) or NAMES_ABUSE.search(sentence)) and not any(
            h.behaviour == "defensive" for h in hits):
        vetoed.add("defensive")  # a boundary on abuse blames, argues and denies nothing
    if PLAIN_ASK.search(sentence):
        vetoed |= {"rude", "dismissive"}  # "Which suits you?", "Or both, if you like."
    for name, pattern in MENTION.items():
        if name not in {h.behaviour for h in hits} and any(
                negated(sentence, m.start()) for m in pattern.finditer(sentence)):
            vetoed.add(name)
    return hits, vetoed


_TITLES = r"(?:mr|mrs|ms|miss|mx|dr|sir|madam|mister|missus)"


def name_pattern(caller_name: str, heard_in: str = "") -> re.Pattern[str] | None:
    """The caller's first name, surname, or title + surname; speech-to-text may drop the
    title's dot or capitals. With ``heard_in``, also that text's misspellings of the name
    (`misspelt`) and its spellings that sound like it (`sounds_alike`). Names of one or two
    letters are too ambiguous to match."""
    parts = [p for p in re.findall(r"[^\W\d_][\w'-]*", caller_name) if len(p) > 2]
    parts = [p for p in parts if not re.fullmatch(_TITLES + r"\.?", p, re.IGNORECASE)]
    if not parts:
        return None
    alts = [re.escape(p) for p in [*parts, *misspelt(parts, heard_in),
                                   *sounds_alike(parts, heard_in, lambda w: _addresses(w, heard_in))]]
    return re.compile(rf"\b(?:{_TITLES}\.? )?(?:{'|'.join(alts)})\b", re.IGNORECASE)


SPELLING_RATIO = 0.85  # difflib's similarity from which a word may be the name misspelt


def misspelt(parts: list[str], text: str) -> list[str]:
    """Words of ``text`` that may be a name part as speech-to-text spells it ("pria" for Priya,
    "patrik" for Patrick): four letters or more, the same first two and last letters, close in
    spelling. Only where such a word addresses the caller does it count (`addressed`), so "one
    more thing" never uses Mrs. Moore's name."""
    out = []
    for word in set(re.findall(r"[a-z]{4,}", text.lower())):
        for p in (p.lower() for p in parts if len(p) >= 4):
            if (word != p and word[:2] == p[:2] and word[-1] == p[-1] and abs(len(word) - len(p)) <= 2
                    and SequenceMatcher(None, word, p).ratio() >= SPELLING_RATIO):
                out.append(word)
    return sorted(set(out))


# A name is used when the caller is addressed by it, and an address sits at the edge of a clause:
# after a greeting, thanks or an acknowledgement ("thanks, Grace"), set off by commas ("Honestly,
# Grace, …"), first with a comma ("Grace, let me …") or last ("… for you, Grace."). The same word
# inside a clause is a reference or an ordinary word: "a grace period", "I'll mark that", "your
# bill", "will you hold", "I'll ask Daniel in billing". Speech-to-text writes no commas, so a
# name that opens a sentence addresses the caller unless the next word makes it the sentence's
# subject or an ordinary word ("kevin i really am sorry", not "Will you hold", "Grace was here").
_ADDRESS_CUE = re.compile(r"(?:^|\W)(?:thanks|thank you|cheers|sorry|okay|ok|hi|hello|hey|right|"
                          r"yes|yeah|yep|no|alright|all right|well|oh|ah|morning|afternoon|evening|"
                          r"dear|look|listen|bye|goodbye|great|perfect|lovely|sure|of course|"
                          r"no worries|no problem|grand)"
                          r"[\s,.!-]*$", re.IGNORECASE)
_NOT_BEFORE_A_NAME = re.compile(r"\b(?:the|a|an|your|my|our|this|his|her|their|its|of|to|for|"
                                r"in|on|at|with|by|from|per|each|every|no|any|some|ask|tell|see|"
                                r"call|called|be|good)\s*$", re.IGNORECASE)
_CLAUSE_END = re.compile(r"\s*(?:[,.!?;:]|—| - |$)")
_OPENS_ADDRESSING = re.compile(
    r"\s+(?!(?:you|your|the|a|an|it|its|that|this|these|those|me|us|them|him|her|to|for|of|in|on|"
    r"at|is|was|are|were|will|would|has|had|have|and|or|but|from|said|says|be|been|period|card|"
    r"account|over|up|down|out|off|with)\b)[a-z]", re.IGNORECASE)


def _addresses(word: str, sentence: str) -> bool:
    return addressed(re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE), sentence) is not None


def addressed(pattern: re.Pattern[str], sentence: str) -> str | None:
    """The words of ``pattern`` (a caller's name) where they address the caller, or None."""
    for m in pattern.finditer(sentence):
        words = m.group(0)
        before, after = sentence[: m.start()].rstrip(), sentence[m.end():]
        titled = re.match(_TITLES + r"\b", words, re.IGNORECASE) is not None
        cued = _ADDRESS_CUE.search(before) is not None
        closes = _CLAUSE_END.match(after) is not None and not _NOT_BEFORE_A_NAME.search(before)
        opens = not before and _OPENS_ADDRESSING.match(after) is not None
        if titled or cued or closes or opens:
            return words.strip()
    return None


# Title + surname, with no caller name given: "thanks, Mrs. Rodriguez", "thanks mrs rodriguez".
TITLED_NAME = re.compile(r"\b(?:mr|mrs|ms|dr)\.? (?!(?:and|or|the|a|an|is|was|i|you|it|so|to|of|"
                         r"for|in|on|at|if|but|who|what|please|thank|thanks|sorry|okay|ok)\b)"
                         r"[^\W\d_][\w'-]+", re.IGNORECASE)

# "Thanks for calling" opens calls as often as it closes them, so it is not a goodbye.
GOODBYE = _rx(r"\bgood ?bye\b", r"\bbye\b", r"\bhave a (?:nice|good|great|lovely) "
              r"(?:day|evening|afternoon|night|weekend)\b", r"\btake care\b")
# A warning that the call will end if the abuse goes on (the rubric's abuse_boundary): a warning
# phrase, or a condition on the caller's conduct and the call's end in one sentence ("One more
# insult and I'll be ending the call", "if I'm called names again, I'll be disconnecting", "I
# can't carry on if you speak to me like that", "the name-calling has to stop, or I'll be closing
# the call", "If it carries on, this call ends").
_CALL_ENDS = (r"(?:(?:end|ending|finish|finishing|disconnect|disconnecting|terminate|terminating|close|closing) "
              r"(?:this |the |our )?(?:call|conversation)|disconnect(?:ing)?|hang(?:ing)? up|"
              r"put(?:ting)? the phone down|(?:this|the) call (?:ends|will end|is over))\b")
CALL_END_WARNING = _rx(
    r"\bif (?:the|this|that) (?:language|swearing|abuse|shouting|name-calling|insults?|behaviou?r)\b",
    r"\bif you (?:continue|keep)\b",
    r"\b(?:i|we)(?:'ll| will) (?:have to |need to )?(?:end|disconnect|terminate|close) (?:this|the) call\b",
    r"\bnot (?:able to )?continue (?:this|the) call\b",
    r"\b(?:if|unless|one more|any more|anymore|again)\b[^.!?]{0,80}\b" + _CALL_ENDS,
    r"\b" + _CALL_ENDS + r"[^.!?]{0,40}\b(?:if|unless)\b",
    r"\b(?:or|otherwise)\s+(?:i|we)(?:'ll| will|'d| would)\b[^.!?]{0,30}\b" + _CALL_ENDS,
    r"\b(?:not able to|unable to|can'?t|cannot|won'?t) (?:keep going|continue|carry on|go on|keep talking|"
    r"help you)\b[^.!?]{0,30}\b(?:if|while|when) you\b")
# The caller's abuse named, as a boundary names it ("name-calling isn't something I'll stay on the
# line for", "the insults have carried on").
NAMES_ABUSE = _rx(r"\b(?:insult(?:s|ing)?|name-?calling|swearing|swear at me|(?:that|this|your|such|bad|foul) "
                  r"language|abuse|abusive|called names|(?:speak|speaking|talk|talking) to me like)\b")
# Softer boundaries the caller also reacts to, beside CALL_END_WARNING (is_boundary_warning).
BOUNDARY = _rx(r"\b(?:will|'ll|have to|going to|need to) (?:have to )?(?:end|disconnect|terminate) "
               r"(?:this|the) call\b", r"\bi won'?t (?:accept|tolerate)\b",
               r"\b(?:that|this) language\b", r"\bplease don'?t (?:swear|speak to me like)\b")


# --- a choice: the rubric's "two or more concrete solutions" ("X, or Y") -------------------------
# Its shape is grammar, not wording: an offer, then an alternative to it, in one sentence ("I can
# send an engineer tonight or walk you through a reset now") or in the next ("I can send a twelve
# by express. Or I can refund you in full."); or an announced choice followed by the offers ("Two
# things I can do. I can book X. I can send Y. You can have both.").
_OFFER = _rx(r"\b(?:i|we)(?:'?d| would)? (?:can|could|be (?:happy|able|glad) to)\b(?! not\b)",
             r"\b(?:i|we)(?: can| could)? (?:offer|arrange|book|send|refund|credit|replace|swap|"
             r"organi[sz]e|set up|schedule)\b",
             r"\b(?:i|we) (?:am|'?m|are|'?re) (?:happy|able|glad) to\b", r"^\W*(?:\w+ )?(?:happy|glad) to\b",
             r"\byou(?:'?re| are)? (?:can|could|might|welcome to|free to|also)\b(?! not\b)",
             r"\b(?:would|do) you (?:like|want|prefer|rather)\b", r"\b(?:want|like) me to\b",
             r"\bthere'?s (?:also )?(?:the )?option\b")
# "or" that opens an alternative, not a quantity ("a day or two"), a tag ("or not", "or so") or a
# channel for the same thing ("by text or by email")
_ALT_IN = _rx(r"\bor\b(?!,? (?:not|so|something|anything|whatever|two|three|less|more|other|else\b|\d|"
              r"a (?:day|week|minute|second|bit)|at least|even|no\b|(?:by )?(?:e-?mail|text|sms|post|letter)\b))",
              r"\balternatively\b", r"\b(?:otherwise|instead),? (?:i|we|you) (?:can|could)\b")
_ALT_OPENS = _rx(r"^\W*(?:and |but |um |uh )?(?:or|alternatively|otherwise,? (?:i|we|you)|failing that|"
                 r"the other (?:option|choice|thing|way)|another (?:option|choice|way)|"
                 r"if (?:you'?d|you would) (?:rather|prefer))\b")
_CHOICE = _rx(r"\b(?:two|three|couple of|few|several|both|these|some|other|your) (?:options|choices|ways|routes|"
              r"things (?:i|we) can (?:do|offer))\b",
              r"\bwhich (?:would you (?:prefer|like|rather)|do you (?:prefer|want)|(?:one )?(?:suits|works|"
              r"would suit|would work))\b", r"\b(?:up to you|your (?:choice|call)|whichever)\b",
              r"\b(?:have|do|take) both\b", r"\beither\b(?! way)")
_CHOICE_IN_ONE = _rx(r"\beither\b(?! way)[^.?!]{3,160}\bor\b",
                     r"\boption (?:one|1|a)\b[^?!]{3,200}\boption (?:two|2|b)\b",
                     r"\bor,? if\b[^.?!]{0,60}\b(?:suits?|prefer|rather|better|easier|can'?t wait)\b")


def _choice_in(sentence: str) -> str | None:
    """The words offering a choice within one sentence, if it does."""
    if m := _CHOICE_IN_ONE.search(sentence):
        return m.group(0)
    if (n := _CHOICE.search(sentence)) and _ALT_IN.search(sentence, n.end()):
        return sentence[n.start():]
    if (o := _OFFER.search(sentence)) and _ALT_IN.search(sentence, o.end()):
        return sentence[o.start():]
    return None


def alternatives(pieces: list[tuple[str, str]]) -> dict[int, str]:
    """Which pieces of a line (``split_pieces``) offer the caller a choice, with the words
    that do: the shape of the rubric's options, which may span clauses the splitter cut apart
    or sentences that offer one thing each."""
    sentences = [piece for piece, _whole in pieces]
    offers = [bool(_OFFER.search(s)) for s in sentences]
    out: dict[int, str] = {}
    for i, (piece, whole) in enumerate(pieces):
        before = " ".join(sentences[max(0, i - 2):i])
        if words := _choice_in(piece) or (_choice_in(whole) if offers[i] else None):
            out[i] = words if words in piece else piece
        elif _ALT_OPENS.search(piece) and (_OFFER.search(before) or _CHOICE.search(before)):
            out[i] = piece
        elif (m := _CHOICE.search(piece)) and sum(offers) >= 2:
            out[i] = m.group(0)
    return out


# --- a restatement checked with the caller: the rubric's own paraphrase ("So the router you got on
# Monday keeps dropping, and you've restarted it twice. Is that right?") -------------------------
_CHECK = (r"(?:is that|have i got (?:that|it|this|everything)|did i get (?:that|it|this|everything)|am i|"
          r"is that about) (?:right|correct)")
_CHECK_END = _rx(r"\b" + _CHECK + r"\W*$")
_CHECK_ALONE = _rx(r"^\W*(?:and |so )?" + _CHECK + r"\W*$")


def restated(pieces: list[tuple[str, str]]) -> dict[int, str]:
    """Which pieces of a line state the caller's situation back and check it ("…, is that
    right?", or that question on its own after the statement): a paraphrase. A read-back of a
    number, address or reference is not one (the rubric's edge rule)."""
    out: dict[int, str] = {}
    for i, (piece, whole) in enumerate(pieces):
        if _CHECK_ALONE.search(whole) and i:
            i, whole = i - 1, pieces[i - 1][1]  # the statement before the question
            if whole.rstrip().endswith("?"):
                continue
        elif not _CHECK_END.search(whole) or not _CHECK_END.search(piece):
            continue
        if len(whole.split()) >= PARAPHRASE_MIN_WORDS and not READ_BACK.search(whole):
            out[i] = pieces[i][0]
    return out


def is_goodbye(text: str) -> bool:
    """The trainee is closing the call."""
    return bool(GOODBYE.search(text))


def is_boundary_warning(text: str) -> bool:
    """The trainee warns an abusive caller that the call will end."""
    return bool(BOUNDARY.search(text) or CALL_END_WARNING.search(text))
