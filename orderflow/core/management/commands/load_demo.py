"""Load the demo company (make run does this once, with --if-empty)."""

from django.core.management.base import BaseCommand, CommandError

from orderflow.demo.loader import DEFAULT_ORDERS, DEFAULT_SEED, database_is_empty, load_demo
from orderflow.demo.people import DEMO_PASSWORD, logins_table


class Command(BaseCommand):
    help = ("Build a realistic demo company (Chinese names, every department and role, "
            "customers, products, leads and orders through the services).")

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when the database already has users.")
        parser.add_argument("--orders", type=int, default=DEFAULT_ORDERS,
                            help=f"How many orders to create (default {DEFAULT_ORDERS}).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help="Random seed; the same seed builds the same company.")
        parser.add_argument("--print-logins", action="store_true",
                            help="Print the demo logins and exit without loading.")

    def handle(self, *args, **options):
        if options["print_logins"]:
            self.stdout.write(logins_table())
            return
        if not 0 <= options["orders"] <= 20000:
            raise CommandError("--orders must be between 0 and 20000.")
        if not database_is_empty():
            if options["if_empty"]:
                self.stdout.write("Demo data not loaded: the database already has users.")
                return
            raise CommandError("The database already has users; the demo company is only "
                               "loaded into an empty database.")
        summary = load_demo(orders=options["orders"], seed=options["seed"])
        states = ", ".join(f"{s} {n}" for s, n in sorted(summary.orders_by_state.items()))
        self.stdout.write(self.style.SUCCESS(
            f"Demo company loaded: {summary.users} users, {summary.customers} customers, "
            f"{summary.products} products, {summary.leads} leads, "
            f"{summary.orders_by_state.total()} orders ({states}). "
            f"Password for every demo login: {DEMO_PASSWORD}"))
