"""Parley's PLOVER lexicon: verb and noun triggers with their event type and mode.

Written from the PLOVER codebook definitions (not from any evaluation sentence). Keys are
lemmas; a verb key may carry a particle or preposition ("call for", "pull out") that must be
attached to the verb in the parse. A value is (TYPE, mode or None).
"""

from __future__ import annotations

Trigger = tuple[str, str | None]


def _expand(table: dict[tuple[str, str | None], str]) -> dict[str, Trigger]:
    out: dict[str, Trigger] = {}
    for (event_type, mode), words in table.items():
        for word in words.split(","):
            word = word.strip()
            if word:
                out[word] = (event_type, mode)
    return out


VERBS: dict[str, Trigger] = _expand({
    ("AGREE", None): "agree, pledge, promise, commit, offer, propose, invite, "
                     "reach, accept, approve, endorse plan, undertake, guarantee, decide",
    ("CONSULT", None): "meet, talk, discuss, negotiate, consult, confer, hold talks, co-chair, "
                       "attend, convene, take part, participate, meet with, speak with, "
                       "exchange views, brief, receive",
    ("CONSULT", "visit"): "visit, travel to, arrive, tour, host, welcome to",
    ("CONSULT", "phone"): "phone, telephone, call, dial",
    ("CONSULT", "third-party"): "mediate, broker, facilitate",
    ("SUPPORT", None): "support, praise, back, welcome, appreciate, commend, hail, congratulate, "
                       "thank, applaud, defend, recognize, recognise, endorse, laud, "
                       "compliment, salute, side with, stand by, vouch, reassure, honor, honour, "
                       "express support, forgive, favor, favour, value, apologize, apologise, "
                       "sign, ratify, establish tie, establish relation, restore tie, "
                       "restore relation, normalize relation, upgrade tie, upgrade relation, "
                       # CAMEO 057 "sign formal agreement" is SUPPORT in the crosswalk
                       "sign agreement, sign treaty, sign accord, sign pact, sign memorandum, "
                       "sign protocol, sign charter",
    ("CONCEDE", None): "concede, admit, yield, compromise, relent, accede, give in, "
                       "accept demand, meet demand, lift, ease, relax, pardon, grant amnesty, "
                       "back down, soften, reverse, allow, permit",
    ("COOPERATE", None): "cooperate, collaborate, resume, restore, coordinate, partner, ally, "
                         "share, normalize, normalise, team up, join forces, work with, "
                         "establish, integrate, extradite, exchange",
    ("AID", None): "evacuate wounded, evacuate civilian, evacuate resident, evacuate injured, "
                   "evacuate child, evacuate refugee, hand over medicine, hand over aid, "
                   "hand over food, hand over supply, "
                   "aid, help, assist, donate, provide, supply, fund, finance, rescue, shelter, "
                   "deliver, airlift, feed, treat, protect, lend, loan, grant, "
                   "send aid, subsidize, contribute, send arms, send weapons, ship aid, "
                   "supply arms, supply weapons",
    ("RETREAT", "withdraw"): "withdraw, retreat, pull out, pull back, leave, evacuate, "
                             "pull, move out",
    ("RETREAT", "release"): "release, free, hand over, return, repatriate, let free, set free, let go",
    # CAMEO 086 "allow international involvement": letting inspectors, aid or people in
    ("RETREAT", "access"): "open border, reopen border, open bridge, reopen bridge, open crossing, "
                           "reopen crossing, open corridor, receive inspector, receive observer, receive monitor, admit inspector, "
                           "admit observer, allow inspector, let in inspector",

    ("RETREAT", "disarm"): "disarm, demobilize, demobilise, decommission, dismantle, destroy weapons, "
                           "surrender, capitulate, lay down, disband",
    ("RETREAT", "resign"): "resign, step down, quit, abdicate",
    ("RETREAT", "ceasefire"): "cease fire, observe ceasefire, declare ceasefire, halt fighting, "
                              "stop fighting",
    ("REQUEST", None): "request, ask, urge, appeal, plead, call for, call on, "
                       "remind, seek, petition, beg, implore, invite to, exhort, lobby",
    # demands and pressure (CAMEO 10), not appeals (02)
    ("REQUEST", "change"): "demand, insist, call for change, pressure, press, press for, push for",
    ("ACCUSE", "disapprove"): "lodge protest, file protest, register protest, deliver protest, "
                              "file complaint, lodge complaint, criticize, criticise, condemn, denounce, decry, deplore, slam, "
                              "censure, rebuke, blast, lambast, complain, chastise, scold, "
                              "protest against, question, regret, fault",
    ("ACCUSE", "allege"): "accuse, blame, allege, charge, implicate, present evidence",
    ("ACCUSE", "investigate"): "investigate, probe, inquire, examine, look into, "
                               # sending inspectors is investigating (CAMEO 09)
                               "send inspector, dispatch inspector, send investigator, "
                               "dispatch investigator, deploy inspector, send expert, dispatch expert, "
                               "put under investigation, place under investigation, open investigation, "
                               "launch investigation",
    ("REJECT", None): "renege, renege on, back out, reject, refuse, deny, decline, veto, oppose, dismiss, rebuff, spurn, "
                      "resist, defy, repudiate, renounce, turn down, rule out, disregard, "
                      "ignore, snub, object, disagree, balk, shun, obstruct",
    ("THREATEN", None): "threaten, warn, menace, intimidate, caution, ultimatum",
    ("PROTEST", "demo"): "protest, demonstrate, rally, march, picket, chant, collect signature, "
                         "gather signature",
    ("PROTEST", "riot"): "riot, loot",
    ("PROTEST", "strike"): "go on strike, walk out, stop work, shun work, down tool, halt work",
    ("PROTEST", "boycott"): "boycott",
    ("SANCTION", None): "sanction, embargo, impose sanctions, penalize, penalise, punish, "
                        "blacklist, freeze, suspend, cancel, postpone, downgrade",
    ("SANCTION", "expel"): "expel, "
                           # CAMEO 166: withdrawing peacekeepers, inspectors, observers, aid staff
                           "withdraw peacekeeper, withdraw inspector, withdraw observer, "
                           "withdraw monitor, withdraw worker, withdraw staff, "
                           "pull out peacekeeper, pull out inspector, pull out observer, "
                           "pull out monitor, pull out worker, pull out staff, "
                           "ship out peacekeeper, evacuate staff, evacuate worker",
    ("SANCTION", "discontinue"): "cut, sever, break off, halt, terminate, end, stop, recall, "
                                 "cut off, prohibit aid, ban aid, block aid, withhold aid, "
                                 "deny aid, freeze aid, stop aid, withdraw aid",
    ("SANCTION", "convict"): "convict, sentence, fine, indict",
    ("MOBILIZE", "troops"): "deploy, mobilize, mobilise, mass, reinforce, station, amass, "
                            "dispatch troops, send troops, build up, strengthen force, "
                            "strengthen troop, bolster force, bolster troop, boost troop, "
                            "increase troop, step up patrol, put on alert, "
                            # CAMEO 152: raising the alert status
                            "remain on alert, stay on alert, be on alert, go on alert, "
                            "place on alert, put on standby, "
                            # a new military presence (ACLED "headquarters or base established")
                            # ("establish a customer base", "a post office": not these)
                            "set up base, set up outpost, establish outpost, open base",
    ("MOBILIZE", "weapons"): "test, arm",
    ("COERCE", "arrest"): "arrest, detain, jail, imprison, apprehend, round up, capture, "
                          "intern, prosecute, put under arrest, place under arrest, "
                          "put under house arrest, place under house arrest, "
                          # holding people against their will (CAMEO 173)
                          "hold hostage, hold captive, hold prisoner, hold as shield, "
                          "hold in custody",
    ("COERCE", "seize"): "seize, confiscate, impound, annex, occupy, expropriate, nationalize, "
                         "take over, take control",
    ("COERCE", "deport"): "deport, extradite forcibly, banish, exile, force out, drive out, "
                          "evict",
    ("COERCE", "restrict"): "restrict, ban, outlaw, block, blockade, bar, close, shut, prohibit, "
                            "curb, crack down, limit, dissolve, raid, "
                            # stopping a protest from happening (CAMEO 1721)
                            "prevent demonstration, prevent rally, prevent protest, prevent march, "
                            "prevent meeting, stop demonstration, stop rally, stop protest, stop march, "
                            "forbid demonstration, forbid rally, forbid protest, forbid march",
    ("COERCE", "censor"): "censor, muzzle, silence, suspend publication, suspend broadcast, "
                          "close newspaper, shut newspaper, ban newspaper, ban publication, "
                          "block website, shut down newspaper, close station, shut station",
    ("ASSAULT", None): "attack, assault, invade, storm, ambush, clash, fight, strike, hit, slam, "
                       "lob, hurl, pound, overrun, recapture, retake, "
                       "raid, rout, repel, engage, battle, besiege, target, "
                       "use force, open fire, "
                       # CAMEO 196: violating a ceasefire is fighting
                       "violate ceasefire, violate truce, break ceasefire, break truce, "
                       "breach ceasefire, breach truce",
    ("ASSAULT", "firearms"): "shoot, fire, gun down, shell, snipe",
    ("ASSAULT", "aerial"): "bomb, airstrike, bombard, strafe",
    ("ASSAULT", "explosives"): "blow up, detonate, explode, set off, plant bomb, plant mine, "
                               "plant explosive, lob grenade, throw grenade, hurl grenade",
    ("ASSAULT", "wmd"): "use chlorine, use chemical, use sarin, use mustard",
    ("ASSAULT", "targeted"): "kill, assassinate, murder, execute, slay, behead, lynch, wound, "
                             "injure, massacre, slaughter",
    ("ASSAULT", "abduct"): "abduct, kidnap, hijack, take hostage",
    ("ASSAULT", "beat"): "beat, torture, assault physically, stab, lash",
    # dispersing a crowd (CAMEO 175; the NGEC codebook's crowd-control mode: tear gas, water cannon)
    ("ASSAULT", "crowd-control"): "disperse protester, disperse demonstrator, disperse crowd, disperse rally, "
                                  "disperse protest, disperse demonstration, disperse march, break up protest, "
                                  "break up demonstration, break up rally, break up march, fire tear gas, "
                                  "use tear gas, fire teargas, use water cannon",
    ("ASSAULT", "primitive"): "throw stone, throw rock, hurl stone, stone",
    ("ASSAULT", "destroy"): "destroy, burn, demolish, raze, torch, vandalize, ransack, sabotage, "
                            "set fire, set ablaze, set alight",
})

NOUNS: dict[str, Trigger] = _expand({
    ("AGREE", None): "agreement, deal, accord, pact, treaty, promise, pledge, offer, proposal, "
                     "commitment, invitation, consensus, memorandum",
    ("CONSULT", None): "talks, meeting, negotiations, discussion, summit, consultations, "
                       "conference, dialogue, meetings, session, round",
    ("CONSULT", "visit"): "visit, trip, tour",
    ("CONSULT", "phone"): "phone call, telephone call, call",
    ("CONSULT", "third-party"): "mediation, good offices",
    ("SUPPORT", None): "support, praise, backing, recognition, endorsement, solidarity, "
                       "congratulations, gratitude",
    ("CONCEDE", None): "apology, concession, amnesty, pardon",
    ("COOPERATE", None): "cooperation, collaboration, partnership, alliance, ties, relations",
    ("AID", None): "aid, assistance, help, relief, supplies, loan, grant, donation, funding",
    ("RETREAT", "withdraw"): "withdrawal, retreat, pullout, evacuation",
    ("RETREAT", "ceasefire"): "ceasefire, cease-fire, truce, armistice",
    ("RETREAT", "release"): "release",
    ("REQUEST", None): "request, appeal, call, plea, petition, reminder",
    ("REQUEST", "change"): "demand, demands",
    ("ACCUSE", "disapprove"): "criticism, condemnation, concern, concerns, displeasure, "
                              "complaint, protest note",
    ("ACCUSE", "allege"): "accusation, allegation, charges, blame",
    ("ACCUSE", "investigate"): "investigation, probe, inquiry, hearing, inquest, enquiry",
    ("REJECT", None): "rejection, refusal, veto, denial, opposition",
    ("THREATEN", None): "threat, warning, ultimatum",
    ("PROTEST", "demo"): "protest, demonstration, rally, march, sit-in",
    ("PROTEST", "riot"): "riot, riots, unrest",
    ("PROTEST", "strike"): "general strike, labour strike, labor strike, walkout",
    ("PROTEST", "hunger"): "hunger strike",
    ("ASSAULT", "aerial"): "air strike, airstrike, air raid, drone strike, missile strike",
    ("PROTEST", "boycott"): "boycott",
    ("SANCTION", None): "sanctions, embargo, penalty, penalties, suspension",
    ("MOBILIZE", "troops"): "deployment, mobilization, mobilisation, reinforcements, exercise, "
                            "exercises, drills, maneuvers, manoeuvres, buildup",
    ("COERCE", "arrest"): "arrest, arrests, detention, crackdown, arrest warrant, warrant, warrants",
    ("COERCE", "seize"): "seizure, annexation, occupation",
    ("COERCE", "restrict"): "ban, blockade, blockades, curfew, restrictions, blackout, "
                            "state of siege, state of emergency, siege",
    ("COERCE", "martial-law"): "martial law",
    ("ASSAULT", None): "attack, attacks, assault, offensive, invasion, clash, clashes, fighting, "
                       "war, raid, violence, shootings, shooting, abductions, bombing, shelling, "
                       "strikes, airstrikes, massacre, explosion, blast, counter-offensive, "
                       "intervention, hostilities, incursion",
})

# Taking ground by force is fighting (CAMEO 19x; ACLED's territory battles), not arresting
# anyone or confiscating property: these verbs with a place as object are ASSAULT.
TERRITORY_VERBS = {"capture", "seize", "overrun", "recapture", "retake", "regain", "storm", "take", "win"}
TERRITORY_NOUNS = {
    "town", "village", "city", "district", "area", "region", "province", "territory", "neighborhood",
    "neighbourhood", "port", "base", "camp", "airfield", "airport", "position", "post", "outpost",
    "hill", "stronghold", "oilfield", "field", "bridge", "checkpoint", "centre", "center", "island",
    "crossing", "valley", "front", "frontline", "garrison", "headquarters", "suburb", "countryside",
    "enclave", "capital", "compound", "zone", "corridor", "road", "highway", "mountain", "peak",
}

# Verbs that undo a restriction ("lifted the blockade", "called off the strike"): per the
# CAMEO-to-PLOVER crosswalk easing administrative limits is CONCEDE (081), easing sanctions
# or embargoes RETREAT ease (085), easing a military blockade RETREAT withdraw (0872);
# undoing aid ("reduced food supplies") is a SANCTION (162).
REVERSAL_VERBS = {"lift", "ease", "relax", "cancel", "end", "shorten", "reduce", "remove",
                  "scrap", "drop", "rescind", "revoke", "repeal", "loosen", "suspend", "call"}
RESTRICTION_OBJECTS = {
    "blockade": ("RETREAT", "withdraw"), "siege": ("RETREAT", "withdraw"),
    "sanction": ("RETREAT", "ease"), "sanctions": ("RETREAT", "ease"),
    "embargo": ("RETREAT", "ease"), "boycott": ("RETREAT", "ease"),
    "curfew": ("CONCEDE", None), "ban": ("CONCEDE", None), "restriction": ("CONCEDE", None),
    "restrictions": ("CONCEDE", None), "state of emergency": ("CONCEDE", None),
    "martial law": ("CONCEDE", None), "strike": ("CONCEDE", None), "protest": ("CONCEDE", None),
    "closure": ("CONCEDE", None), "censorship": ("CONCEDE", None), "tariff": ("RETREAT", "ease"),
    "tariffs": ("RETREAT", "ease"),
    # and cutting back what was given is a sanction (CAMEO 162: reduce or stop aid)
    "aid": ("SANCTION", "discontinue"), "assistance": ("SANCTION", "discontinue"),
    "supply": ("SANCTION", "discontinue"), "supplies": ("SANCTION", "discontinue"),
    "funding": ("SANCTION", "discontinue"), "ration": ("SANCTION", "discontinue"),
    "rations": ("SANCTION", "discontinue"),
}

# Light verbs: their event comes from their object noun ("hold talks", "impose sanctions").
LIGHT_VERBS = {
    "hold", "make", "launch", "reach", "conduct", "stage", "carry", "impose", "give", "express",
    "issue", "voice", "take", "have", "begin", "start", "continue", "announce", "mount",
    "initiate", "open", "resume", "wage", "step", "extend", "lodge", "file", "sign", "strike",
    "seal", "conclude", "renew", "intensify", "order", "organize", "organise", "call", "send",
    "reimpose", "tighten", "enforce", "declare", "reiterate", "repeat", "maintain", "complete",
    "deliver", "register",
    "provide", "offer", "pledge", "join", "set", "deepen", "expand", "speed", "accelerate",
    "hasten", "undertake",
}

# Speech and cognition verbs: their complement holds the event; the speaker is quoted.
SPEECH_VERBS = {
    "say", "tell", "add", "note", "state", "announce", "declare", "report", "claim", "insist",
    "stress", "emphasize", "emphasise", "assert", "affirm", "repeat", "reiterate", "explain",
    "quote", "write", "comment", "remark", "indicate", "believe", "think", "argue", "suggest",
    "maintain", "confirm", "reply", "respond", "answer", "told", "warn", "hope", "expect",
    "fear", "estimate", "acknowledge", "recall", "conclude",
}

# Verbs that negate what they govern: "refused to attend" is a REJECT of the meeting.
REFUSAL_VERBS = {"refuse", "decline", "fail", "reject", "balk", "refrain"}
FUTURE_MARKERS = {"will", "shall", "'ll", "going", "plan", "intend", "schedule", "expect",
                  "prepare", "aim", "set", "due", "scheduled", "vow", "swear", "threaten",
                  "offer", "pledge", "promise", "want", "wish", "seek"}  # intent: CAMEO 03 and 13
HYPOTHETICAL_MARKERS = {"could", "might", "may", "would", "should", "if", "unless", "whether",
                        "possible", "possibly", "perhaps", "consider", "mull", "threaten"}


def verb_trigger(lemma: str, particle: str | None = None, obj: str | None = None) -> Trigger | None:
    """Look up a verb with its particle/preposition and object, most specific first."""
    keys = []
    if particle and obj:
        keys.append(f"{lemma} {particle} {obj}")
    if obj:
        keys.append(f"{lemma} {obj}")
    if particle:
        keys.append(f"{lemma} {particle}")
    keys.append(lemma)
    for key in keys:
        if key in VERBS:
            return VERBS[key]
    return None


def noun_trigger(lemma: str, text: str | None = None) -> Trigger | None:
    for key in (text.lower() if text else None, lemma.lower()):
        if key and key in NOUNS:
            return NOUNS[key]
    return None
