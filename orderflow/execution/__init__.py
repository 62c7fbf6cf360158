"""Order execution (P5): each department's records on its work package of a released
order. Production (P5.1), Procurement (P5.2), Quality (P5.3), Technology (P5.4.1),
Logistics (P5.4.2) and Finance (P5.4.3), one module each in models/, services/,
selectors/ and domain/."""
