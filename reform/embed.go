package reform

import _ "embed"

// CrosswalkCSV is the committed crosswalk (crosswalk.csv), as the service
// loads it: the demo at start, `server import` like any crosswalk file.
//
//go:embed crosswalk.csv
var CrosswalkCSV []byte
