from __future__ import annotations

import pytest


def _events(code_text, text, published="2024-05-15"):
    return code_text(text, published).events


def _one(events, event_type):
    found = [e for e in events if e.event_type == event_type]
    assert found, [(e.event_type, e.trigger) for e in events]
    return found[0]


def _countries(actors):
    return sorted(a.country for a in actors if a.country)


def test_active_voice(code_text):
    ev = _one(_events(code_text, "Iraqi troops attacked Kurdish villages near Kirkuk."), "ASSAULT")
    assert _countries(ev.source) == ["IRQ"] and ev.source[0].sector == "MIL"


def test_passive_voice_agent_is_source(code_text):
    ev = _one(_events(code_text, "The Syrian rebels were attacked by Turkish warplanes on Monday."), "ASSAULT")
    assert _countries(ev.source) == ["TUR"]
    assert _countries(ev.target) == ["SYR"]


def test_coordination_and_reciprocal(code_text):
    ev = _one(_events(code_text, "Russia and Georgia agreed to exchange prisoners."), "AGREE")
    assert _countries(ev.source) == ["GEO", "RUS"]
    assert _countries(ev.target) == ["GEO", "RUS"]


def test_target_from_prepositional_object(code_text):
    ev = _one(_events(code_text, "The French president met with the Chinese premier in Beijing."), "CONSULT")
    assert _countries(ev.source) == ["FRA"] and _countries(ev.target) == ["CHN"]
    assert ev.location is not None and ev.location.name == "Beijing"


def test_reported_speech_request_with_quote(code_text):
    doc = code_text("Russian Foreign Minister Sergey Lavrov said Russia would press for an embargo "
                    "on arms supplies to Georgia.")
    ev = _one(doc.events, "REQUEST")
    assert _countries(ev.source) == ["RUS"] and _countries(ev.target) == ["GEO"]
    assert ev.future
    assert doc.quotes and doc.quotes[0].speaker is not None
    assert doc.quotes[0].speaker.country == "RUS"


def test_refusal_is_reject(code_text):
    ev = _one(_events(code_text, "Georgia refused to attend meetings with Abkhazia."), "REJECT")
    assert ev.negated and ev.mode == "meet"
    assert _countries(ev.source) == ["GEO"]


def test_negated_agreement_is_not_agree(code_text):
    events = _events(code_text, "Israel did not agree to the Egyptian proposal.")
    assert not [e for e in events if e.event_type == "AGREE"]
    assert _one(events, "REJECT").negated


def test_future_and_hypothetical_markers(code_text):
    fut = _one(_events(code_text, "Japan will send aid to the Philippines."), "AGREE")
    assert fut.future and not fut.hypothetical
    hyp = _events(code_text, "Iran could attack Israeli ships in the Gulf.")
    assert _one(hyp, "ASSAULT").hypothetical


def test_several_events_in_one_sentence(code_text):
    events = _events(code_text, "Police arrested ten protesters and the government condemned the riots "
                                "while the European Union urged restraint.")
    types = {e.event_type for e in events}
    assert {"COERCE", "ACCUSE", "REQUEST"} <= types


def test_intensity_and_quad_from_codebook(code_text):
    ev = _one(_events(code_text, "Sudanese soldiers shot three protesters in Khartoum."), "ASSAULT")
    assert ev.quad_class == "material_conflict" and ev.intensity == -9
    ev = _one(_events(code_text, "India praised Nepal for its help."), "SUPPORT")
    assert ev.quad_class == "verbal_coop" and ev.intensity == 5


def test_person_role_carries_to_later_mentions(code_text):
    doc = code_text("Turkish Foreign Minister Ali Babacan met Lavrov in Istanbul. "
                    "Later, Babacan criticized Armenia over the border closure.")
    ev = _one(doc.events, "ACCUSE")
    assert ev.source[0].country == "TUR" and ev.source[0].sector == "GOV"
    assert _countries(ev.target) == ["ARM"]


def test_every_event_records_why(code_text):
    for ev in _events(code_text, "China condemned the Japanese visit and recalled its ambassador."):
        assert ev.coded_by.startswith(("rule:", "model:")) and 0 < ev.confidence <= 1
        assert ev.sentence in "China condemned the Japanese visit and recalled its ambassador."


@pytest.mark.parametrize("sentence,expected", [
    ("Pakistan accused India of shelling border villages.", "ACCUSE"),
    ("Thousands of workers protested in Seoul against the new labour law.", "PROTEST"),
    ("The United States imposed sanctions on Venezuelan officials.", "SANCTION"),
    ("Russia deployed troops along the Ukrainian border.", "MOBILIZE"),
    ("Israel withdrew its forces from the Gaza Strip.", "RETREAT"),
    ("Germany threatened to expel Russian diplomats.", "THREATEN"),
    ("Japan donated rice to North Korea.", "AID"),
    ("Egypt rejected the Ethiopian proposal on the dam.", "REJECT"),
])
def test_lexicon_types(code_text, sentence, expected):
    assert expected in {e.event_type for e in _events(code_text, sentence)}


def test_statements_are_not_rejections(code_text):
    assert not _events(code_text, "NATO declined to comment on the Serbian estimate.")
    assert not _events(code_text, "The government of Liberia denied the charges by Ivory Coast.")
    assert _one(_events(code_text, "Liberia rejected the proposal by Ivory Coast."), "REJECT")


def test_future_conflict_is_a_threat_and_future_yield_an_intent(code_text):
    assert _one(_events(code_text, "Nigeria will withdraw its force from Chad unless the rebels agree."), "THREATEN")
    assert _one(_events(code_text, "Syria said it is ready to withdraw its troops from Lebanon."), "AGREE")
    assert _one(_events(code_text, "Palestinian leaders said they would boycott all contact with Israel."), "THREATEN")


def test_purpose_clause_and_event_noun_subjects(code_text):
    ev = _one(_events(code_text, "Thousands of Nigerians converged on Lagos for a rally to protest the ban."), "PROTEST")
    assert _countries(ev.source) == ["NGA"]
    ev = _one(_events(code_text, "Palestinian riots against Israeli policies are continuing."), "PROTEST")
    assert _countries(ev.source) == ["PSE"]


def test_request_through_must_names_who_is_asked(code_text):
    ev = _one(_events(code_text, "Russia said on Tuesday that Sudan must return the helicopter."), "REQUEST")
    assert _countries(ev.source) == ["RUS"] and _countries(ev.target) == ["SDN"]


def test_reported_future_through_a_chain_of_verbs(code_text):
    ev = _one(_events(code_text, "Karasin said Russia would continue to press for an embargo on arms to Georgia."),
              "REQUEST")
    assert ev.future and _countries(ev.target) == ["GEO"]


def test_misspelled_state_still_acts(code_text):
    doc = code_text("Ethopia has agreed to reopen its border with Eritrea.")
    assert doc.events and doc.events[0].source[0].country == "ETH"


def test_unknown_named_actor_keeps_the_event(code_text):
    doc = code_text("The Zorblax Liberation Council demanded the release of prisoners.")
    assert doc.events and doc.events[0].event_type == "REQUEST"
    source = doc.events[0].source[0]
    assert source.country is None and source.actor_id and "zorblax" in source.actor_id


def test_domestic_actor_takes_the_country_where_it_acts(code_text):
    doc = code_text("Thousands of protesters blocked streets in Caracas to demand new elections.")
    assert doc.events[0].source[0].country == "VEN"


def test_domestic_country_is_not_taken_from_the_target(code_text):
    doc = code_text("President Zorblax threatened further action against Russia.")
    assert doc.events[0].source[0].country != "RUS"


def test_led_forces_come_from_their_leader(code_text):
    doc = code_text("Vietnamese-led forces shelled guerrilla camps near the Thai border.")
    assert doc.events[0].source[0].country == "VNM"

def test_target_with_a_country_beats_a_bare_noun(code_text):
    ev = _one(_events(code_text, "Serb forces killed three villagers in southern Serbia."), "ASSAULT")
    assert _countries(ev.target) == ["SRB"]


def test_speech_verb_with_an_act_as_object_is_coded(code_text):
    ev = _one(_events(code_text, "The Hizbollah militia declared a unilateral ceasefire in Lebanon."), "RETREAT")
    assert ev.mode == "ceasefire"

def test_signing_a_formal_agreement_is_support(code_text):
    # the CAMEO crosswalk: 057 "sign formal agreement" -> SUPPORT
    ev = _one(_events(code_text, "Libya and Bulgaria signed a treaty of friendship."), "SUPPORT")
    assert _countries(ev.source) == ["BGR", "LBY"]


def test_rebels_blocking_roads_protest(code_text):
    ev = _one(_events(code_text, "Rebels in the Ivory Coast blocked roads into Abidjan."), "PROTEST")
    assert ev.mode == "obstruct"


def test_call_for_a_clause_is_a_request(code_text):
    ev = _one(_events(code_text, "European ministers called for Burma to release political prisoners."), "REQUEST")
    assert ev.source[0].sector == "GOV"

def test_reduced_passive_patient_is_the_target(code_text):
    ev = _one(_events(code_text, "There were ten Russian soldiers killed in Ukraine today."), "ASSAULT")
    assert _countries(ev.target) == ["RUS"] and not ev.source


def test_agreeing_that_is_a_statement(code_text):
    events = _events(code_text, "Egypt and Jordan agreed there was an urgent need for progress.")
    assert not [e for e in events if e.event_type == "AGREE"]


def test_releasing_a_report_is_no_release(code_text):
    events = _events(code_text, "A report released Tuesday in Kigali alleged that France knew of the plans.")
    assert not [e for e in events if e.event_type == "RETREAT"]

def test_verb_object_entries_through_measure_words(code_text):
    ev = _one(_events(code_text, "Swiss doctors handed over 700 kg of medicine to the Red Crescent in Iran."), "AID")
    assert _countries(ev.source) == ["CHE"]

def test_chain_verbs_code_their_complement(code_text):
    ev = _one(_events(code_text, "The Ivory Coast's Supreme Court decided to lift the curfew."), "CONCEDE")
    assert _countries(ev.source) == ["CIV"]
    assert not [e for e in _events(code_text, "The court decided to lift the curfew.") if e.trigger == "decide"]

def test_opening_a_border_lets_people_in(code_text):
    ev = _one(_events(code_text, "Uzbekistan reopened the border with Afghanistan."), "RETREAT")
    assert ev.mode == "access"


def test_nationalities_sharing_a_noun_are_two_actors(code_text):
    events = _events(code_text, "Senior Russian and American diplomats met in Moscow to discuss the crisis.")
    consults = [e for e in events if e.event_type == "CONSULT"]
    assert len(consults) == 1  # "met ... to discuss" is one meeting
    assert _countries(consults[0].source) == ["RUS", "USA"]


def test_offer_to_mediate_is_one_agreement_with_targets(code_text):
    events = _events(code_text, "Turkish President Erdogan offered on Monday to mediate between Georgia and the EU.")
    assert [e.event_type for e in events] == ["AGREE"]
    assert "GEO" in _countries(events[0].target)


def test_purpose_clause_is_not_a_complement(code_text):
    events = _events(code_text, "Algerian landowners continued their hunger strike to demand the return of land.")
    assert any(e.event_type == "PROTEST" for e in events)


def test_allowing_is_a_concession(code_text):
    ev = _one(_events(code_text, "The interior minister allowed opposition leaders to hold a rally in Karachi."), "CONCEDE")
    assert ev.source[0].sector == "GOV"


def test_generic_effort_noun_takes_its_modifier(code_text):
    ev = _one(_events(code_text, "Qatar's emir launched a mediation effort between the Emirates and Saudi Arabia."), "CONSULT")
    assert ev.mode == "third-party" and _countries(ev.source) == ["QAT"]


def test_a_bomb_with_no_one_behind_it_is_an_unidentified_armed_force(code_text):
    # the town (which the tagger may take for a nationality) gives the country
    ev = _one(_events(code_text, "A roadside bombing near the town of Samarra killed one U.S. soldier."), "ASSAULT")
    assert [(s.country, s.sector) for s in ev.source] == [("IRQ", "UAF")]
    assert _countries(ev.target) == ["USA"]
    # a passive agent too
    ev = _one(_events(code_text, "Three US servicemen were killed by a roadside bomb in the Iraqi city of Basra."),
              "ASSAULT")
    assert [(s.country, s.sector) for s in ev.source] == [("IRQ", "UAF")]

def test_withdrawing_peacekeepers_or_aid_is_a_sanction(code_text):
    # CAMEO 166 and 162: even in the passive
    ev = _one(_events(code_text, "Forty UN peacekeepers were pulled out of the town on Friday."), "SANCTION")
    assert ev.mode == "expel"
    ev = _one(_events(code_text, "The World Food Programme reduced food supplies to camps in Chad."), "SANCTION")
    assert ev.mode == "discontinue"
    # while lifting a restriction still eases it
    assert _one(_events(code_text, "Egypt lifted the blockade of the port on Monday."), "RETREAT")


def test_wanting_someone_else_to_act_is_an_appeal_to_them(code_text):
    events = _events(code_text, "Israel's prime minister wants Germany to pay more compensation to the families.")
    ev = _one(events, "REQUEST")
    assert _countries(ev.source) == ["ISR"] and _countries(ev.target) == ["DEU"]
    assert all(e.event_type != "AID" or e.hypothetical for e in events)


def test_who_is_urged_would_act_and_has_not_yet(code_text):
    events = _events(code_text, "Obama urged Putin to attack Switzerland.")
    attack = _one(events, "ASSAULT")
    assert _countries(attack.source) == ["RUS"] and attack.hypothetical
    # but "used artillery to shell": the army shells, not the artillery
    ev = _one(_events(code_text, "The Congolese army used artillery to shell rebel positions near Goma."),
              "ASSAULT")
    assert (ev.source[0].country, ev.source[0].sector) == ("COD", "MIL")


def test_agreeing_that_parties_should_act_is_an_agreement(code_text):
    ev = _one(_events(code_text, "Hungarian and Romanian officials agreed on Wednesday that their countries should cooperate."),
              "AGREE")
    assert _countries(ev.source) == ["HUN", "ROU"]
    # a shared view is not
    assert all(e.event_type != "AGREE" for e in _events(
        code_text, "Bush and Mubarak agreed today there was an urgent need for progress."))


def test_readying_an_attack_is_a_show_of_force(code_text):
    ev = _one(_events(code_text, "The Serbian army prepared to resume shelling rebel positions."), "MOBILIZE")
    assert _countries(ev.source) == ["SRB"]
    # announcing one is a threat
    assert _one(_events(code_text, "Serbia said it would shell rebel positions."), "THREATEN")


def test_a_report_accuses_without_an_author(code_text):
    ev = _one(_events(code_text, "A report published on Tuesday alleged that Chad had armed the rebels."),
              "ACCUSE")
    assert ev.source == [] and _countries(ev.target) == ["TCD"]


def test_stopping_aid_is_a_sanction(code_text):
    ev = _one(_events(code_text, "Washington prohibited all aid to the rebels in Macedonia."), "SANCTION")
    assert ev.mode == "discontinue"


def test_taking_ground_is_an_assault_and_closing_a_paper_is_censorship(code_text):
    ev = _one(_events(code_text, "Sudanese troops captured part of a rebel stronghold near the border."), "ASSAULT")
    assert _countries(ev.source) == ["SDN"]
    ev = _one(_events(code_text, "The Kenyan government ordered the newspaper to suspend publication."), "COERCE")
    assert ev.mode == "censor"


def test_an_attack_with_an_unknown_attacker_is_still_an_event(code_text):
    ev = _one(_events(code_text, "An attempt to assassinate the Iraqi interior minister was thwarted in Baghdad."),
              "ASSAULT")
    assert ev.source == [] and _countries(ev.target) == ["IRQ"]

def test_an_arrest_warrant_is_coercion(code_text):
    assert _one(_events(code_text, "A court in Lima issued arrest warrants for two former ministers."), "COERCE")

def test_an_international_ngo_is_not_given_the_country_it_speaks_about(code_text):
    ev = _one(_events(code_text, "Amnesty International demanded that the Sudanese government end curbs on the press."),
              "REQUEST")
    assert ev.source[0].country is None and _countries(ev.target) == ["SDN"]


def test_pressure_and_obligations_are_demands_not_appeals(code_text):
    ev = _one(_events(code_text, "Iranian authorities have been pressuring bus workers to cancel the strike."), "REQUEST")
    assert ev.mode == "change"
    ev = _one(_events(code_text, "Chirac issued a stern reminder to Iraq that it must cooperate with the inspectors."),
              "REQUEST")
    assert ev.mode == "change"
    assert _one(_events(code_text, "Chirac urged Iraq to cooperate with the inspectors."), "REQUEST").mode is None

def test_claiming_that_another_did_harm_is_an_accusation(code_text):
    ev = _one(_events(code_text, "Iraq claimed that Turkish troops had attacked villages near Dohuk."), "ACCUSE")
    assert _countries(ev.source) == ["IRQ"] and _countries(ev.target) == ["TUR"]
    # a claim about one's own deeds accuses no one
    assert all(e.event_type != "ACCUSE" for e in _events(code_text, "Turkey claimed that it had attacked PKK bases."))

def test_receiving_aid_is_aid_from_the_giver(code_text):
    ev = _one(_events(code_text, "Ukraine received air defence systems from Germany on Monday."), "AID")
    assert _countries(ev.source) == ["DEU"] and _countries(ev.target) == ["UKR"]
    # receiving a visitor is still a meeting
    assert _one(_events(code_text, "President Putin received the Chinese ambassador on Monday."), "CONSULT")


def test_sending_inspectors_is_investigating(code_text):
    ev = _one(_events(code_text, "The IAEA has dispatched inspectors to Iran to monitor the plant."), "ACCUSE")
    assert ev.mode == "investigate" and _countries(ev.target) == ["IRN"]


def test_a_conclusion_that_others_must_act_is_a_demand(code_text):
    ev = _one(_events(code_text, "The Arab League concluded on Saturday that the United States must send more aid to Gaza."),
              "REQUEST")
    assert ev.mode == "change" and _countries(ev.target) == ["USA"]


def test_an_act_someone_is_accused_of_is_alleged(code_text):
    events = _events(code_text, "Bayramov accused Armenian forces of firing on Azerbaijani positions last week, "
                                "a charge Yerevan denied.")
    accuse = _one(events, "ACCUSE")
    assert [a.text for a in accuse.target] == ["Armenian forces"]
    firing = _one(events, "ASSAULT")
    assert _countries(firing.source) == ["ARM"] and firing.hypothetical
    assert all(e.event_type != "REJECT" for e in events)  # denying a charge is a statement


def test_a_target_named_inside_a_phrase_is_the_whole_name(code_text):
    ev = _one(_events(code_text, "Sudanese army troops shelled positions held by the Rapid Support Forces in Omdurman."),
              "ASSAULT")
    assert [(t.country, t.sector) for t in ev.target] == [("SDN", "REB")]


def test_who_is_called_on_would_act_not_the_caller(code_text):
    events = _events(code_text, "The United Nations called on Israel to allow humanitarian access to Gaza.")
    assert _countries(_one(events, "REQUEST").target) == ["ISR"]
    assert all(not (e.event_type == "CONCEDE" and _countries(e.source) == ["UN"]) for e in events)


def test_an_act_only_a_state_does_is_the_state_where_it_happened(code_text):
    # a passive arrest with no one named: the authorities of the place made it
    ev = _one(_events(code_text, "A Dutch aid worker was arrested in Iran for spying."), "COERCE")
    assert [(s.country, s.sector) for s in ev.source] == [("IRN", "GOV")]
    assert _countries(ev.target) == ["NLD"]
    ev = _one(_events(code_text, "A French journalist has been put under investigation in Turkey."), "ACCUSE")
    assert _countries(ev.source) == ["TUR"] and ev.mode == "investigate"
    # a killing is not: the killer is unknown, not the state
    ev = _one(_events(code_text, "Three men were killed in Baghdad."), "ASSAULT")
    assert ev.source == []


def test_the_patient_of_a_passive_is_its_target_not_the_place(code_text):
    ev = _one(_events(code_text, "Two journalists were detained in Tbilisi on Monday."), "COERCE")
    assert ev.target[0].text == "Two journalists" and ev.target[0].country == "GEO"


def test_a_participle_parsed_as_a_clausal_subject_keeps_its_noun(code_text):
    ev = _one(_events(code_text, "The Red Cross working in Syria said Turkish forces must allow "
                                 "aid convoys to reach the town."), "REQUEST")
    assert ev.source[0].text == "The Red Cross" and _countries(ev.target) == ["TUR"]


def test_holding_people_against_their_will_is_coercion(code_text):
    ev = _one(_events(code_text, "The Nigerian army has been holding hundreds of villagers as human shields."),
              "COERCE")
    assert _countries(ev.source) == ["NGA"]
    ev = _one(_events(code_text, "Police put the opposition leader under house arrest."), "COERCE")
    assert ev.mode == "arrest" and ev.target[0].sector == "OPP"


def test_people_from_an_organisation_of_a_country_are_of_that_country(code_text):
    ev = _one(_events(code_text, "Nurses from three British charities delivered medicine to a hospital in Aleppo."),
              "AID")
    assert (ev.source[0].country, ev.source[0].sector) == ("GBR", "MED")


def test_a_passive_attack_by_a_weapon_is_an_unidentified_armed_force(code_text):
    ev = _one(_events(code_text, "Three policemen were wounded in a roadside bomb blast in Kandahar."), "ASSAULT")
    assert [(s.country, s.sector) for s in ev.source] == [("AFG", "UAF")]
    assert ev.target[0].sector == "COP"


def test_a_stance_towards_a_country_is_not_its_nationality(code_text):
    ev = _one(_events(code_text, "Pro-Russian separatists shelled the town of Mariupol."), "ASSAULT")
    assert ev.source[0].country is None and ev.source[0].sector == "REB"


def test_an_appositive_role_names_an_unknown_person(code_text):
    # the tagger takes the surname for a place; the appositive role says it is a person
    ev = _one(_events(code_text, "Kenji Oshiro, the United Nations Emergency Relief Coordinator, urged "
                                 "the warring parties to let aid workers through."), "REQUEST")
    assert ev.source[0].country == "UN"


def test_stopping_or_dispersing_a_protest_is_repression(code_text):
    ev = _one(_events(code_text, "Georgian police prevented a rally organised by students in Batumi."), "COERCE")
    assert _countries(ev.source) == ["GEO"] and ev.mode == "restrict"
    assert _one(_events(code_text, "Police dispersed the protesters with tear gas."), "ASSAULT").mode == "crowd-control"


def test_a_misparsed_subject_of_a_reported_clause(code_text):
    ev = _one(_events(code_text, "Kurdish youths resorted to throwing stones at the police, officials said."),
              "ASSAULT")
    assert ev.source[0].text == "Kurdish youths"


def test_a_month_is_not_a_person_of_that_name(code_text):
    events = _events(code_text, "The two sides signed a truce in May.")
    assert all(a.country != "GBR" for e in events for a in e.source + e.target)


def test_protesting_that_is_a_complaint_not_a_demonstration(code_text):
    ev = _one(_events(code_text, "The rights group protested that Serbian authorities were failing to "
                                 "protect refugees."), "ACCUSE")
    assert ev.mode == "disapprove" and _countries(ev.target) == ["SRB"]
    ev = _one(_events(code_text, "Thousands protested in Belgrade on Sunday."), "PROTEST")
    assert ev.source[0].sector == "CVL"  # a crowd's count is people


def test_setting_people_free_is_a_release(code_text):
    ev = _one(_events(code_text, "Serbian forces on Tuesday set free six French aid workers held captive "
                                 "since Friday."), "RETREAT")
    assert ev.mode == "release" and _countries(ev.source) == ["SRB"]


def test_the_accused_does_what_they_are_accused_of_when_of_hangs_on_the_verb(code_text):
    events = _events(code_text, "The paramilitary group accused the army of violating the ceasefire.")
    ev = _one(events, "ASSAULT")
    assert ev.source[0].text == "the army" and ev.hypothetical


@pytest.mark.parametrize("text,event_type,countries", [
    # a country's institution places an untitled official
    ("Vice-President Li Wei has refused to resign despite pressure from the Taiwan Audit Commission.",
     "REJECT", ["TWN"]),
    # violating a ceasefire is fighting (CAMEO 196), by those "guilty of" it
    ("Both the Nepalese army and the Maoist rebels are guilty of violating the ceasefire agreement "
     "signed in May.", "ASSAULT", ["NPL", "NPL"]),
    # "X was quoted as saying he ..." makes X the speaker
    ("King Abdullah of Jordan was quoted today as saying he would be ready to host a meeting between "
     "Israel and the Palestinians.", "AGREE", ["JOR"]),
    # a measure after "by" is no passive agent
    ("President Ali Saleh on Thursday shortened by one hour the nightly curfew imposed in Yemen after a coup.",
     "CONCEDE", ["YEM"]),
    pytest.param("Norway is willing to send troops to help defend Kuwait.",
                 "AGREE", ["NOR"], id="willingness_deep_in_the_chain_is_intent"),
    # a scheduled visit is an intent to meet: AGREE in PLOVER
    pytest.param("The Russian foreign minister is scheduled to visit Tbilisi.",
                 "AGREE", ["RUS"], id="raised_subject_of_a_scheduled_act"),
    pytest.param("The United States said it would not meet the kidnappers' demands.",
                 "REJECT", ["USA"], id="not_meeting_demands_is_a_rejection"),
    pytest.param("Palestinian youths resorted to throwing stones at Israeli soldiers.",
                 "ASSAULT", ["PSE"], id="acts_after_a_preposition_keep_their_actor"),
    pytest.param("Greek troops remained on alert along the border on Friday.",
                 "MOBILIZE", ["GRC"], id="raising_the_alert_is_mobilization"),
    pytest.param("Thousands of Kenyans were converging on Thursday for a rally in Nairobi to protest the new tax.",
                 "PROTEST", ["KEN"], id="who_gathered_for_a_rally_protests"),
    pytest.param("Israel is opposed to French mediation in the talks with Syria.",
                 "REJECT", ["ISR"], id="a_stance_in_the_passive_is_the_subject_s_own"),
    pytest.param("The first Kenyan peacekeeping troops arrived in Haiti on Tuesday.",
                 "AID", ["KEN"], id="peacekeepers_arriving_provide_peacekeeping"),
    pytest.param("The first deployment of Kenyan peacekeeping troops has arrived in Haiti.",
                 "AID", ["KEN"], id="who_is_deployed_does_the_deploying_noun"),
])
def test_who_acts(code_text, text, event_type, countries):
    assert _countries(_one(_events(code_text, text), event_type).source) == countries


@pytest.mark.parametrize("text,target", [
    ("Rebel fighters captured a district centre in northern Afghanistan on Saturday.", "centre"),
    ("Government troops took control of the town of Rabia after fierce clashes.", "town"),
    ("Islamist militants took over two oil fields on Tuesday.", "field"),
    ("The army won back the village of Hazm.", "village"),
    ("Burmese troops captured part of a rebel stronghold.", "stronghold"),
])
def test_taking_ground_by_force_is_fighting(code_text, text, target):
    ev = _one(_events(code_text, text), "ASSAULT")
    assert ev.trigger.endswith(target)


def test_capturing_a_person_is_an_arrest(code_text):
    assert _one(_events(code_text, "Police captured the gang leader in Lagos."), "COERCE").mode == "arrest"


@pytest.mark.parametrize("text", [
    "A dozen people have been killed in a plane crash in central Colombia.",
    "Three workers were injured when the roof collapsed.",
    "Five people were killed in a fire at a market in Lagos.",
])
def test_deaths_in_accidents_are_no_attacks(code_text, text):
    assert not [e for e in _events(code_text, text) if e.event_type == "ASSAULT"]


def test_deaths_in_an_ambush_are_an_attack(code_text):
    _one(_events(code_text, "Two soldiers were killed in an ambush in Kandahar."), "ASSAULT")


def test_claiming_an_attack_is_the_claimants_attack(code_text):
    ev = _one(_events(code_text, "Al-Shabaab claimed responsibility for the attack on a hotel in Mogadishu."),
              "ASSAULT")
    assert _countries(ev.source) == ["SOM"] and ev.source[0].sector == "REB"


@pytest.mark.parametrize("text,event_type,countries", [
    pytest.param("Iran threatened to cut off electricity to Armenia over unpaid bills.",
                 "THREATEN", ["ARM"], id="target_inside_the_governed_clause"),
    pytest.param("Russia wants to attack Georgia.",
                 "THREATEN", ["GEO"], id="wanting_to_attack_is_a_threat"),
])
def test_whom(code_text, text, event_type, countries):
    assert _countries(_one(_events(code_text, text), event_type).target) == countries


def test_an_occasion_is_no_target(code_text):
    complaint = _one(_events(code_text, "Lavrov complained at a media briefing on Monday."), "ACCUSE")
    assert not any("briefing" in actor.text for actor in complaint.target)


def test_what_is_discussed_is_a_topic_not_a_party(code_text):
    doc = code_text("Russian Foreign Minister Sergey Lavrov met Turkish President Recep Tayyip "
                    "Erdogan in Ankara on Wednesday to discuss Syria.")
    # one meeting, with Erdogan; Syria is what they talked about
    assert [(e.event_type, [a.country for a in e.target]) for e in doc.events] == [("CONSULT", ["TUR"])]
    doc = code_text("Putin discussed the Syrian war with Erdogan.")
    assert [a.country for a in doc.events[0].target] == ["TUR"]


def test_a_new_military_base_is_a_mobilisation_and_rioters_are_civilians(code_text):
    base = code_text("US forces have set up a new military base in Manbij.")
    assert [e.event_type for e in base.events] == ["MOBILIZE"]
    assert code_text("The company set up a post office in the town.").events == []
    riot = code_text("Rioters set fire to a police station in Hong Kong.")
    assert riot.events and riot.events[0].source[0].sector == "CVL"


def test_unnamed_protesters_are_civilians_of_where_they_protested(code_text):
    held = code_text("Rallies were held across Pakistan on Friday against the execution.")
    assert [(e.event_type, [(a.country, a.sector) for a in e.source]) for e in held.events] == \
        [("PROTEST", [("PAK", "CVL")])]
    erupted = code_text("Protests erupted in Tehran on Monday.")
    assert [(a.country, a.sector) for a in erupted.events[0].source] == [("IRN", "CVL")]
    assert code_text("Talks were held in Geneva.").events == []  # no party named: no event


def test_run_on_text_is_not_coded_and_the_document_says_so(code_text):
    words = "police arrested protesters and troops attacked villages while officials met envoys".split()
    run_on = " ".join(words[i % len(words)] for i in range(300)) + "."
    doc = code_text(f"Police arrested two men in Tbilisi on Monday.\n\n{run_on}")
    assert [e.sentence for e in doc.events] == ["Police arrested two men in Tbilisi on Monday."]
    assert any("more than 200 tokens not coded" in w for w in doc.warnings)
