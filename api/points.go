package api

import (
	"context"

	"gridcmd/model"
)

// The local RPC's methods of model.PointsService (points 积分, scorecards 考核).

type grantReq struct {
	Person model.PersonID `json:"person"`
	Points int            `json:"points"`
	Reason string         `json:"reason"`
	By     model.PersonID `json:"by"`
}

type redeemReq struct {
	Person  model.PersonID `json:"person"`
	Benefit string         `json:"benefit"`
	By      model.PersonID `json:"by"`
}

type scorecardsReq struct {
	Role  model.ScoreRole `json:"role"`
	Month model.Month     `json:"month"`
	Node  model.NodeCode  `json:"node,omitempty"`
}

var rpcPoints = svcWhole("Points", model.Service.Points)

var rpcGrantPoints = newMethod("GrantPoints", onService, func(ctx context.Context, s services, r grantReq) (model.Event, error) {
	return s.svc.GrantPoints(ctx, r.Person, r.Points, r.Reason, r.By)
}).writing()

var rpcRedeemBenefit = newMethod("RedeemBenefit", onService, func(ctx context.Context, s services, r redeemReq) (model.Redemption, error) {
	return s.svc.RedeemBenefit(ctx, r.Person, r.Benefit, r.By)
}).writing()

var rpcRebuildPoints = svcNone("RebuildPoints", model.Service.RebuildPoints).writing()

var rpcPointRules = svcNone("PointRules", model.Service.PointRules)

var rpcScorecards = newMethod("Scorecards", onService, func(ctx context.Context, s services, r scorecardsReq) ([]model.Scorecard, error) {
	return s.svc.Scorecards(ctx, r.Role, r.Month, r.Node)
})

func (c *Client) Points(ctx context.Context, q model.PointsQuery) (model.PointsMonth, error) {
	return call(ctx, c, rpcPoints, q)
}

func (c *Client) GrantPoints(ctx context.Context, person model.PersonID, points int, reason string, by model.PersonID) (model.Event, error) {
	return call(ctx, c, rpcGrantPoints, grantReq{Person: person, Points: points, Reason: reason, By: by})
}

func (c *Client) RedeemBenefit(ctx context.Context, person model.PersonID, benefit string, by model.PersonID) (model.Redemption, error) {
	return call(ctx, c, rpcRedeemBenefit, redeemReq{Person: person, Benefit: benefit, By: by})
}

func (c *Client) RebuildPoints(ctx context.Context) (model.Rebuilt, error) {
	return call(ctx, c, rpcRebuildPoints, none{})
}

func (c *Client) PointRules(ctx context.Context) (model.PointRules, error) {
	return call(ctx, c, rpcPointRules, none{})
}

func (c *Client) Scorecards(ctx context.Context, role model.ScoreRole, month model.Month, node model.NodeCode) ([]model.Scorecard, error) {
	return call(ctx, c, rpcScorecards, scorecardsReq{Role: role, Month: month, Node: node})
}
