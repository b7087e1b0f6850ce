package app

import (
	"slices"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
)

// LevelBelow refuses a ranking level at or above its scope unit's own
// (ranking PROVINCE inside province 90 would rank the scope itself):
// BAD_INPUT naming the field level.
func LevelBelow(level domain.UnitKind, scope *domain.Unit) error {
	if slices.Index(domain.UnitKinds, level) > slices.Index(domain.UnitKinds, scope.Kind) {
		return nil
	}
	return domain.FieldErrorf(domain.EINVALID, "level",
		"%s is not below the scope %s (%s, a %s): rank a level below it, e.g. %s",
		level, scope.Code, scope.FullName, strings.ToLower(string(scope.Kind)), below(scope.Kind))
}

// below names the territorial level under kind (COMMUNE at the bottom).
func below(kind domain.UnitKind) domain.UnitKind {
	levels := []domain.UnitKind{domain.KindProvince, domain.KindDistrict, domain.KindCommune}
	for _, k := range levels {
		if slices.Index(domain.UnitKinds, k) > slices.Index(domain.UnitKinds, kind) {
			return k
		}
	}
	return domain.KindCommune
}
