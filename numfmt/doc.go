// Package numfmt writes counts, rates and dates for people, in Vietnamese
// (vi-VN, the default) and English (en-US), exactly as the spec fixes them:
// integer arithmetic, rates rounded half-up to two decimals and never onto a
// threshold they have not reached. It is a leaf (it imports only domain) so
// that every presentation — the API's formatted strings (graph), the press
// column (press), the published pages (publish) and the reasons written for
// derived targets (engine) — formats the same way from one place.
package numfmt
