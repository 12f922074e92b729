package demo

// Silent is silent, for the tests of the feed.
var Silent = silent
