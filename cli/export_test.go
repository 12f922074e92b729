package cli

// The --json shapes, for the tests (package cli_test) to read the output
// with: the output's own types, so a field renamed or retyped there fails
// the tests that read it.
type (
	ShowJSON          = showJSON
	EventJSON         = eventJSON
	StateJSON         = stateJSON
	PersonJSON        = personJSON
	TowerJSON         = towerJSON
	WartimeStatusJSON = wartimeStatusJSON
	UnitJSON          = unitJSON
	VillageJSON       = villageJSON
	DirectiveJSON     = directiveJSON
	AfterActionJSON   = afterActionJSON
	PersonPointsJSON  = personPointsJSON
	DutyJSON          = dutyJSON
)
