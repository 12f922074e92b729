package ui

import (
	"strings"
	"time"

	"gridcmd/model"
)

// query is the / filter, k9s-style: words and tokens, all of which an
// incident must match. A word matches the id, title, node (name or code)
// or category; the tokens are
//
//	tier:town     层级:镇指挥室    the tier (its key, or its name in either language)
//	status:acked  状态:签收        the status
//	sev:I         级别:I           the severity
//	platform:safety 平台:平安法治  the platform
//	red           超时             past its deadline now
//	mine          我的             waiting at the operator's own tier (their village or grid for a cadre or grid staff)
//	all           全部             closed incidents too (they are read from the store)
type query struct {
	words    []string
	tier     model.Tier
	status   model.Status
	sev      model.Severity
	platform model.Platform
	red      bool
	mine     bool
	all      bool
	err      error // the first token that names nothing
}

// The token words, in English and in Chinese.
var (
	tokenKeys = map[string]string{
		"tier": "tier", "层级": "tier", "status": "status", "状态": "status",
		"sev": "sev", "severity": "sev", "级别": "sev", "等级": "sev",
		"platform": "platform", "平台": "platform",
	}
	tokenWords = map[string]string{"red": "red", "超时": "red", "mine": "mine", "我的": "mine", "all": "all", "全部": "all"}
)

// parseQuery reads the filter's text with the console's labels (its own
// words for tiers and statuses are accepted besides model's).
func parseQuery(s string, l Labels) query {
	var q query
	bad := func(en, zh string) {
		if q.err == nil {
			q.err = refusal(model.EINVALID, en, zh)
		}
	}
	for _, f := range strings.Fields(s) {
		lf := strings.ToLower(f)
		if w, ok := tokenWords[lf]; ok {
			switch w {
			case "red":
				q.red = true
			case "mine":
				q.mine = true
			case "all":
				q.all = true
			}
			continue
		}
		k, v, ok := strings.Cut(strings.Replace(lf, "：", ":", 1), ":")
		key, known := tokenKeys[k]
		if !ok || !known {
			q.words = append(q.words, lf)
			continue
		}
		switch key {
		case "tier":
			// The short names the queue shows where narrow (镇, tf, vill) are
			// names too: what is on screen is what is typed.
			if q.tier = tierNamed(l, v); q.tier == "" {
				bad("tier:"+v+": "+notATier, "层级:"+v+"："+notATierZh)
			}
		case "status":
			if q.status = parsedOrLabelled(model.ParseStatus, v, l.Status, enLabels.Status, zhLabels.Status); q.status == "" {
				bad("status:"+v+": not a status (new, acked, sent, resolved, closed)", "状态:"+v+"：不是状态（上报、签收、交办、办结、归档）")
			}
		case "sev":
			sv, err := model.ParseSeverity(strings.ToUpper(v))
			if err != nil {
				bad("sev:"+v+": not a severity (I, II, III, IV)", "级别:"+v+"：不是等级（I、II、III、IV）")
			}
			q.sev = sv
		case "platform":
			p, err := model.ParsePlatform(v)
			if err != nil {
				bad("platform:"+v+": not a platform (party, ecology, safety, service)", "平台:"+v+"：不是平台（党建统领、经济生态、平安法治、公共服务）")
			}
			q.platform = p
		}
	}
	return q
}

// labelled is the key whose console label is v (any case), "" if none.
func labelled[K ~string](labels map[K]string, v string) K {
	for k, s := range labels {
		if strings.EqualFold(strings.ReplaceAll(s, " ", ""), strings.ReplaceAll(v, " ", "")) {
			return k
		}
	}
	return ""
}

// tierNamed is the tier v names: its key, or its name long or short (as
// the queue shows it where narrow) in either language; "" for none. The
// filter's tier: and the ':tier' line read tiers so.
func tierNamed(l Labels, v string) model.Tier {
	return parsedOrLabelled(model.ParseTier, v, l.Tier, enLabels.Tier, zhLabels.Tier, enLabels.TierShort, zhLabels.TierShort)
}

// What a word that names no tier is told (tierNamed).
const (
	notATier   = "not a tier (grid, village or vill, town, taskforce or tf)"
	notATierZh = "不是层级（网格、村社、镇指挥室或镇、专班）"
)

// parsedOrLabelled is v as model's parse reads it, or else the key whose
// label v is (labelledEither); "" when it is neither.
func parsedOrLabelled[K ~string](parse func(string) (K, error), v string, own map[K]string, others ...map[K]string) K {
	if k, err := parse(v); err == nil {
		return k
	}
	return labelledEither(own, v, others...)
}

// labelledEither is labelled in the console's labels first, then in
// either language's: an English word typed on a Chinese console (the
// status:acked the help shows) means what it says.
func labelledEither[K ~string](own map[K]string, v string, others ...map[K]string) K {
	if k := labelled(own, v); k != "" {
		return k
	}
	for _, o := range others {
		if k := labelled(o, v); k != "" {
			return k
		}
	}
	return ""
}

// empty reports whether the query selects everything (closed aside).
func (q query) empty() bool {
	return len(q.words) == 0 && q.tier == "" && q.status == "" && q.sev == 0 && q.platform == "" && !q.red && !q.mine
}

// match reports whether inc meets every word and token of q; me is the
// operator (for mine), nodeName the incident's node as shown.
func (q query) match(inc model.Incident, nodeName string, me model.Person, now time.Time) bool {
	switch {
	case inc.Status == model.StatusClosed && !q.all:
		return false
	case q.tier != "" && inc.Tier != q.tier,
		q.status != "" && inc.Status != q.status,
		q.sev != 0 && inc.Severity != q.sev,
		q.platform != "" && inc.Platform != q.platform,
		q.red && inc.Light(now) != model.LightRed,
		q.mine && !mine(inc, me):
		return false
	}
	for _, w := range q.words {
		if !matches(inc, nodeName, w) {
			return false
		}
	}
	return true
}

// mine reports whether inc waits, open, at me's own tier: a duty
// officer's the town command room; a village cadre's their village's; grid
// staff's their grid's.
func mine(inc model.Incident, me model.Person) bool {
	if !inc.Status.Open() {
		return false
	}
	switch {
	case me.Has(model.RoleDutyOfficer):
		return inc.Tier == model.TierTown
	case me.Has(model.RoleVillageCadre):
		return inc.Tier == model.TierVillage && me.Node.Contains(inc.Node)
	case me.IsGridStaff():
		return inc.Tier == model.TierGrid && me.Node.Contains(inc.Node)
	}
	return false
}

// matches is one word of the filter: in the id, title, node name or
// category (key or Chinese), case-insensitive; a node code matches the
// incidents at it and beneath it, so "330", the start of every code,
// matches by the words alone.
func matches(inc model.Incident, nodeName, needle string) bool {
	if c, err := model.ParseNodeCode(needle); err == nil && c.Contains(inc.Node) {
		return true
	}
	for _, h := range []string{inc.ID, inc.Title, nodeName, string(inc.Category), inc.Category.Zh()} {
		if strings.Contains(strings.ToLower(h), needle) {
			return true
		}
	}
	return false
}
