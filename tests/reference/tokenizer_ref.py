"""BERT's tokenizer in plain Python, following Google's tokenization.py
(BasicTokenizer + WordpieceTokenizer) and Hugging Face's additions (special
tokens written in the text stay whole; strip_accents separate from
lower-casing; lower-casing one character at a time). Written for this project
as an independent reference for the C++ tokenizer; uses Python's unicodedata
(its Unicode version is Python's).

Where Google and Hugging Face differ, this follows Hugging Face:
 * lower-casing: Google lowers each whitespace token with str.lower(), which
   applies Greek final sigma ("ΟΔΟΣ" -> "οδος"); Hugging Face's slow tokenizer
   lowers the text one character at a time before BasicTokenizer
   (PreTrainedTokenizer.tokenize: re.sub("(specials)|(.+?)", ...lower())) and
   its fast one uses Rust's char::to_lowercase, so neither does ("οδοσ").
 * truncation of pairs: Hugging Face's "longest_first".
"""
import unicodedata

SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def load_vocab(path):
    vocab = {}
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            vocab[line.rstrip("\n")] = i
    return vocab


def is_whitespace(c):
    return c in " \t\n\r" or unicodedata.category(c) == "Zs"


def is_control(c):
    if c in "\t\n\r":
        return False
    return unicodedata.category(c).startswith("C")


def is_punctuation(c):
    cp = ord(c)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(c).startswith("P")


def is_chinese(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


class BasicTokenizer:
    def __init__(self, do_lower_case=True, strip_accents=None, tokenize_chinese_chars=True):
        self.lower = do_lower_case
        self.strip = do_lower_case if strip_accents is None else strip_accents
        self.chinese = tokenize_chinese_chars

    def tokenize(self, text):
        out = []
        for c in text:
            cp = ord(c)
            if cp == 0 or cp == 0xFFFD or is_control(c):
                continue
            if is_whitespace(c):
                out.append(" ")
            elif self.chinese and is_chinese(cp):
                out.append(" %s " % c)
            else:
                out.append(c)
        words = []
        for token in "".join(out).split():
            if self.lower:
                token = "".join(c.lower() for c in token)
            if self.strip:
                token = "".join(c for c in unicodedata.normalize("NFD", token)
                                if unicodedata.category(c) != "Mn")
            cur = []
            for c in token:
                if is_punctuation(c):
                    if cur:
                        words.append("".join(cur))
                        cur = []
                    words.append(c)
                else:
                    cur.append(c)
            if cur:
                words.append("".join(cur))
        return words


class WordpieceTokenizer:
    def __init__(self, vocab, unk="[UNK]", max_chars=100):
        self.vocab = vocab
        self.unk = unk
        self.max_chars = max_chars

    def tokenize(self, word):
        if len(word) > self.max_chars:
            return [self.unk]
        pieces = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                sub = word[start:end]
                if start > 0:
                    sub = "##" + sub
                if sub in self.vocab:
                    found = sub
                    break
                end -= 1
            if found is None:
                return [self.unk]
            pieces.append(found)
            start = end
        return pieces


class FullTokenizer:
    def __init__(self, vocab_path, do_lower_case=True, strip_accents=None, tokenize_chinese_chars=True):
        self.vocab = load_vocab(vocab_path)
        self.basic = BasicTokenizer(do_lower_case, strip_accents, tokenize_chinese_chars)
        self.wordpiece = WordpieceTokenizer(self.vocab)
        self.specials = [s for s in SPECIALS if s in self.vocab]

    def tokenize(self, text):
        # Special tokens written in the text stay whole (Hugging Face splits on them first).
        parts = [text]
        for s in self.specials:
            split = []
            for p in parts:
                if p in self.specials:
                    split.append(p)
                    continue
                pieces = p.split(s)
                for i, piece in enumerate(pieces):
                    if i:
                        split.append(s)
                    split.append(piece)
            parts = split
        tokens = []
        for p in parts:
            if p in self.specials:
                tokens.append(p)
                continue
            for w in self.basic.tokenize(p):
                tokens.extend(self.wordpiece.tokenize(w))
        return tokens

    def encode(self, text, pair=None, max_len=None):
        """[CLS] a [SEP] (b [SEP]) ids, truncated longest-first to max_len."""
        return self.encode_with_types(text, pair, max_len)[0]

    def encode_with_types(self, text, pair=None, max_len=None):
        """(ids, token type ids) of encode()."""
        a = [self.vocab[t] for t in self.tokenize(text)]
        b = [self.vocab[t] for t in self.tokenize(pair)] if pair is not None else None
        if max_len is not None:
            budget = max_len - (3 if b is not None else 2)
            # Hugging Face's longest_first: drop from the longer side, from the pair on a tie.
            while len(a) + (len(b) if b is not None else 0) > budget:
                if b is not None and len(b) >= len(a):
                    b.pop()
                else:
                    a.pop()
        ids = [self.vocab["[CLS]"]] + a + [self.vocab["[SEP]"]]
        types = [0] * len(ids)
        if b is not None:
            ids += b + [self.vocab["[SEP]"]]
            types += [1] * (len(b) + 1)
        return ids, types


# -- byte offsets ------------------------------------------------------------------------
# Hugging Face's fast BERT tokenizer reports, per token, the span of the ORIGINAL text it
# came from (offset_mapping; characters there, UTF-8 bytes here). Its normalizer keeps an
# alignment per normalized character: a character produced from an original character
# (lower-casing, NFD) is aligned to that whole original character, and a character removed
# by the accent filter takes its alignment with it. So a precomposed "é" (one original
# character, NFD "e" + U+0301) gives "e" aligned to both bytes of "é", while a decomposed
# "e" + U+0301 gives "e" aligned to the "e" alone: a token ending there ends before the mark.
# A piece covering normalized characters [i, j) spans [start of i's original, end of (j-1)'s).
# The tokens are computed by the classes above; the offsets only follow them.

def _byte_starts(text):
    """starts[k] = UTF-8 byte offset of character k; starts[len(text)] = total bytes."""
    starts = [0]
    for c in text:
        starts.append(starts[-1] + len(c.encode("utf-8")))
    return starts


def _normalized_word(basic, chars):
    """chars: [(char, orig_index)] of one whitespace-separated token -> [(char, orig_index)]
    after lower-casing and accent stripping, one original character at a time."""
    out = []
    for c, k in chars:
        for lc in (c.lower() if basic.lower else c):
            if basic.strip:
                for d in unicodedata.normalize("NFD", lc):
                    if unicodedata.category(d) != "Mn":
                        out.append((d, k))
            else:
                out.append((lc, k))
    return out


def basic_words_with_spans(basic, text, base=0):
    """BasicTokenizer.tokenize(text) with each word's original character span [first, last]
    (indices into text, plus base), as [(word, [orig index per character])]."""
    chars = []
    for k, c in enumerate(text):
        cp = ord(c)
        if cp == 0 or cp == 0xFFFD or is_control(c):
            continue
        if is_whitespace(c) or (basic.chinese and is_chinese(cp)):
            chars.append((" ", k))
            if not is_whitespace(c):
                chars.append((c, k))
                chars.append((" ", k))
        else:
            chars.append((c, k))
    tokens, cur = [], []
    for c, k in chars + [(" ", -1)]:
        if c == " ":
            if cur:
                tokens.append(cur)
            cur = []
        else:
            cur.append((c, k))
    words = []
    for tok in tokens:
        norm = _normalized_word(basic, tok)
        cur = []
        for c, k in norm:
            if is_punctuation(c):
                if cur:
                    words.append(cur)
                    cur = []
                words.append([(c, k)])
            else:
                cur.append((c, k))
        if cur:
            words.append(cur)
    return [("".join(c for c, _ in w), [k + base for _, k in w]) for w in words]


def _split_specials(text, specials):
    """FullTokenizer.tokenize's split on special tokens, with each part's character start."""
    parts = [(text, 0)]
    for s in specials:
        split = []
        for p, at in parts:
            if p in specials:
                split.append((p, at))
                continue
            pos = 0
            for i, piece in enumerate(p.split(s)):
                if i:
                    split.append((s, at + pos))
                    pos += len(s)
                split.append((piece, at + pos))
                pos += len(piece)
        parts = split
    return parts


def tokenize_with_offsets(tok, text):
    """[(token, byte_begin, byte_end, word_index)] for FullTokenizer tok: the tokens of
    tok.tokenize(text) (checked), each with its byte span in text's UTF-8 and the index of the
    pre-tokenizer word it belongs to (all pieces of a word share it; a special token written
    in the text is a word of its own)."""
    starts = _byte_starts(text)
    out = []
    word = 0
    for p, at in _split_specials(text, tok.specials):
        if p in tok.specials:
            out.append((p, starts[at], starts[at + len(p)], word))
            word += 1
            continue
        for w, ks in basic_words_with_spans(tok.basic, p, at):
            pieces = tok.wordpiece.tokenize(w)
            if pieces == [tok.wordpiece.unk]:
                out.append((pieces[0], starts[ks[0]], starts[ks[-1] + 1], word))
            else:
                i = 0
                for piece in pieces:
                    j = i + len(piece) - (2 if piece.startswith("##") and i > 0 else 0)
                    out.append((piece, starts[ks[i]], starts[ks[j - 1] + 1], word))
                    i = j
            word += 1
    if [t for t, _, _, _ in out] != tok.tokenize(text):
        raise AssertionError("tokenize_with_offsets disagrees with tokenize on %r" % text)
    return out
