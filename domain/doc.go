// Package domain holds the words of Tiến Độ — units, metrics, campaigns,
// quotas, reports and the figures derived from them — and the application
// error codes. It imports neither pgx nor gqlgen, so the rules built on these
// types can be tested with plain values.
package domain
