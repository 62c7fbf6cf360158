"""Credit standing of a customer (P2.3.1): what is left of the limit (pure Python)."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CreditStanding:
    rating: str
    limit: Decimal
    outstanding: Decimal

    @property
    def available(self) -> Decimal:
        """Limit minus receivables outstanding; negative when the customer is over it."""
        return self.limit - self.outstanding

    @property
    def over_limit(self) -> bool:
        return self.outstanding > self.limit

    @property
    def used_percent(self) -> int:
        """Share of the limit in use, 0..100 (a zero limit counts as fully used)."""
        if self.limit <= 0:
            return 100 if self.outstanding > 0 or self.limit == 0 else 0
        return max(0, min(100, int(self.outstanding * 100 / self.limit)))
