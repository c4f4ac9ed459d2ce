using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Identity;

namespace CaptionBoundaries.Application.Features.Accounts;

internal static class AccountErrors
{
    /// <summary>Identity's refusals (weak password, taken name) as the same field-named validation errors as every other bad input.</summary>
    public static void ThrowIfFailed(IdentityResult result)
    {
        if (result.Succeeded) return;
        throw new ValidationException(result.Errors.Select(e => new ValidationFailure(
            e.Code.Contains("Password", StringComparison.Ordinal) ? "password" : "user_name", e.Description)));
    }
}
