from __future__ import annotations

from parley.model import Document
from parley.nlp import load_nlp, parse


def _ents(text: str) -> dict[str, str]:
    doc = load_nlp()(text)
    return {e.text: e.label_ for e in doc.ents}


def test_ruler_fixes_known_model_errors():
    ents = _ents("Abkhazia and South Ossetia took part in talks on security in the Caucasus.")
    assert ents["Abkhazia"] == "GPE"
    assert ents.get("Caucasus", ents.get("the Caucasus")) == "LOC"


def test_bare_surname_of_a_named_person_is_a_person():
    ents = _ents("Deputy Foreign Minister Grigory Karasin represented Moscow. "
                 "Karasin also said Russia would press for an embargo.")
    assert ents["Karasin"] == "PERSON"


def test_sentences_do_not_cross_paragraphs():
    doc = Document(doc_id="x", origin="t", raw="", fmt="txt",
                   text="Talks began in Geneva\n\nThe envoy said progress was made.")
    parse(doc)
    assert [s.text for s in doc.sentences] == ["Talks began in Geneva", "The envoy said progress was made."]
    for s in doc.sentences:
        assert doc.text[s.start:s.end] == s.text


def test_dateline_is_not_parsed_into_the_first_sentence(code_text):
    doc = code_text("YEREVAN, Armenia (Reuters) - Armenian Foreign Minister Ararat Mirzoyan met "
                    "Azerbaijani Foreign Minister Jeyhun Bayramov in Tbilisi on Monday.")
    assert doc.text.startswith("YEREVAN, Armenia (Reuters) - ")  # the text keeps it
    first = doc.sentences[0]
    assert first.text.startswith("Armenian Foreign Minister") and doc.text[first.start:first.end] == first.text
    event = doc.events[0]
    assert event.source[0].name == "Ararat Mirzoyan" and event.source[0].country == "ARM"


def test_other_languages_are_recognised_and_english_never_turned_away():
    from parley.nlp import foreign_language

    assert foreign_language("Российские войска вошли в Гори в пятницу, сообщили официальные лица Грузии. "
                            "Министерство обороны России не прокомментировало сообщения.") == "ru"
    assert foreign_language("Rusia y Georgia acordaron celebrar conversaciones en Ginebra el lunes, "
                            "dijeron funcionarios de ambos gobiernos a la prensa.") == "es"
    assert foreign_language("Police arrested two men.") is None  # too short to tell
    assert foreign_language("Georgian officials said Russian troops entered Gori on Friday; the Russian "
                            "defence ministry did not comment on the reports.") is None


def test_a_long_text_is_parsed_in_pieces_that_join_back_into_it():
    from parley.nlp import PARSE_CHUNK_CHARS, parse_texts, text_pieces

    paragraph = "Russia accused Georgia of shelling Tskhinvali. The army withdrew from the border. "
    long_text = (paragraph * 400).strip() + "\n\n" + ("word " * 8000).strip()
    pieces = text_pieces(long_text)
    assert "".join(pieces) == long_text and len(pieces) > 1
    assert all(len(p) <= PARSE_CHUNK_CHARS for p in pieces)
    assert all(p[-1].isspace() for p in pieces[:-1])  # cut after whitespace, never inside a word
    short = "Georgia accused Russia of shelling Tskhinvali on Tuesday."
    parsed_short, parsed_long = list(parse_texts([short, long_text]))
    assert parsed_long.text == long_text  # one Doc, the same text, so offsets hold
    assert [t.dep_ for t in parsed_short] == [t.dep_ for t in next(parse_texts([short]))]
    sentences = list(parsed_long.sents)
    assert sentences[0].text == "Russia accused Georgia of shelling Tskhinvali."
    assert len(sentences) > 800
