using FluentValidation;

namespace CaptionBoundaries.Application.Validation;

public static class RunSpecForwarding
{
    /// <summary>
    /// Checks a request's nested value with its own validator and reports each error under the value's own field name
    /// ("batch_size", not "Spec.batch_size"), so every request that carries a run spec names its fields the same way.
    /// </summary>
    public static IRuleBuilderOptionsConditions<T, T> ForwardErrorsOf<T, TValue>(this IRuleBuilderInitial<T, T> rule, Func<T, TValue?> value, IValidator<TValue> validator) =>
        // Synchronous, so the console can run the same validator as the user types (the spec's rules are all synchronous).
        rule.Custom((instance, context) =>
        {
            if (value(instance) is not { } nested) return;
            foreach (var failure in validator.Validate(nested).Errors) context.AddFailure(failure);
        });
}
