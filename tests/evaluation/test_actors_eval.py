

def test_check_dates_in_any_form():
    from parley.evaluation.actors import _day

    assert _day(["Tony Blair", "", "1 January 2003"]) == "2003-01-01"
    assert _day(["Angela Merkel", "", "2022-01-10"]) == "2022-01-10"
    assert _day(["Trump"]) is None
