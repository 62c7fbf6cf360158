"""What the capabilities' Django admins share."""


class ReadOnly:
    """A read-only admin (model or inline): records change only through the services,
    which validate, lock and audit; the admin neither adds, changes nor deletes."""

    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
