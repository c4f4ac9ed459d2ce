using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Security;

/// <summary>One server with four accounts: an admin (the factory's), a viewer, and two researchers, one of whose tokens has expired.</summary>
public sealed class AccessControlFixture : IAsyncLifetime
{
    public ApiFactory Factory { get; } = new() { Slots = 1 };
    public string ViewerToken { get; private set; } = "";
    public string BobToken { get; private set; } = "";
    public string CarolToken { get; private set; } = "";
    public string ExpiredToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Factory.CreateClient().Dispose();
        ViewerToken = await Factory.CreateUserTokenAsync("vera", Roles.Viewer);
        BobToken = await Factory.CreateUserTokenAsync("bob", Roles.Researcher);
        CarolToken = await Factory.CreateUserTokenAsync("carol", Roles.Researcher);
        var created = await Accounts.SendAsLocalOperator(Factory.Services,
            new Application.Features.Accounts.CreateApiTokenCommand("soon-expired", 1, "carol"));
        ExpiredToken = created.Token;
        // Expiry is a date in the database: move it into the past rather than waiting a day.
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        var hash = ApiTokenService.Hash(ExpiredToken);
        var row = await db.ApiTokens.SingleAsync(t => t.Sha256 == hash);
        row.ExpiresAtUtc = DateTime.UtcNow.AddMinutes(-1);
        await db.SaveChangesAsync();
    }

    /// <summary>Rows of everything a request could change (accounts, tokens, runs, models, datasets), to prove a refusal changed none.</summary>
    public async Task<string> StateFingerprintAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        return string.Join(",",
            await db.Users.CountAsync(), await db.UserRoles.CountAsync(),
            await db.ApiTokens.CountAsync(), await db.ApiTokens.CountAsync(t => t.RevokedAtUtc != null),
            await db.Experiments.CountAsync(), await db.ModelVersions.CountAsync(), await db.ModelChanges.CountAsync(),
            await db.DatasetVersions.CountAsync());
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
