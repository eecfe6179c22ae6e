"""Validation rules beyond Strawberry's built-in limiters: mutation count and directive spam."""

from __future__ import annotations

from typing import Any

from graphql import (
    ASTValidationRule,
    DirectiveNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    ValidationContext,
)


def max_top_level_mutations(limit: int) -> type[ASTValidationRule]:
    """Refuse documents whose mutation operation has more than ``limit`` top-level fields."""

    class MaxTopLevelMutations(ASTValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            if node.operation is not OperationType.MUTATION:
                return
            count = len(node.selection_set.selections)
            if count > limit:
                self.report_error(
                    GraphQLError(
                        f"{count} top-level mutations in one document; at most {limit} allowed",
                        node,
                    )
                )

    return MaxTopLevelMutations


# graphql-core's UniqueDirectivesPerLocationRule reports every repetition (n - 1 errors for n
# copies, each with a source excerpt): the response grows with the attack. Its messages end so.
_STANDARD_REPEAT_MESSAGE = "can only be used once at this location."


class NoRepeatedDirectives(ASTValidationRule):
    """One error for a document that repeats directives on a location (a cheap DoS vector).

    It takes over from the standard rule: that rule's per-repetition errors are dropped and this
    one reports once per document.
    """

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self._reported = False
        report = context.on_error

        def on_error(error: GraphQLError) -> None:
            if not error.message.endswith(_STANDARD_REPEAT_MESSAGE):
                report(error)

        context.on_error = on_error  # type: ignore[method-assign]

    def enter(self, node: Any, *_: Any) -> None:
        directives: tuple[DirectiveNode, ...] | None = getattr(node, "directives", None)
        if self._reported or not directives or len(directives) < 2:
            return
        names = [d.name.value for d in directives]
        if len(names) != len(set(names)):
            self._reported = True
            self.report_error(GraphQLError("a directive is repeated on one location", node))
