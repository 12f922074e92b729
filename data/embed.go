// Package data embeds the official division lists gridcmd ships with: the 27
// villages and communities of Huajie town and the 452 villages of Yongkang
// city (14 towns), both from the national administrative-division list, in
// the column format importer.ParseVillages reads.
package data

import _ "embed"

// HuajieVillages is huajie-villages.csv: the villages and communities of
// 花街镇 (330784114), the default demo.
//
//go:embed huajie-villages.csv
var HuajieVillages []byte

// YongkangVillages is yongkang-villages.csv: every village of 永康市 (330784).
//
//go:embed yongkang-villages.csv
var YongkangVillages []byte
