using FluentValidation;

namespace CaptionBoundaries.Application.Features.Mlflow;

/// <summary>
/// A field MLflow's reference marks required, refused in MLflow's words. Checked by validators (after the role check),
/// so a caller without the role is told so whatever the body holds.
/// </summary>
public static class MlflowRequired
{
    public static IRuleBuilderOptions<T, TProperty> Given<T, TProperty>(this IRuleBuilder<T, TProperty> rule, string field) =>
        rule.NotEmpty().WithMessage($"Missing value for required parameter '{field}'.").OverridePropertyName(field);
}
