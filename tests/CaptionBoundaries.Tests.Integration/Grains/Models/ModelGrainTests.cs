using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;

namespace CaptionBoundaries.Tests.Grains.Models;

public sealed class ModelGrainTests(ModelServingFixture fixture) : IClassFixture<ModelServingFixture>
{
    private IModelGrain NewModel() => fixture.Grains.GetGrain<IModelGrain>($"model-{Guid.NewGuid():N}");

    [Fact]
    public async Task RegisteredVersionsRecordTheirHashesAndSwitchAndRollBack()
    {
        var first = fixture.WriteCheckpoint("register-a.pt", seed: 1);
        var second = fixture.WriteCheckpoint("register-b.pt", seed: 2);
        var model = NewModel();

        var v1 = await model.RegisterVersion(first);
        var v2 = await model.RegisterVersion(second);
        Assert.Equal((1, 2), (v1.Version, v2.Version));
        Assert.Equal(CheckpointFile.FileSha256(first), v1.Sha256);
        Assert.Equal(CheckpointFile.FileSha256(second), v2.Sha256);
        Assert.NotEqual(v1.Sha256, v2.Sha256);
        Assert.Equal("tiny_test_cnn", v1.ArchitectureName);
        Assert.Equal(0.1, v1.ValMacroF1!.Value, 6);
        Assert.Null(await model.GetActiveVersion());

        var toV1 = await model.Switch(1, "first deployment");
        Assert.True(toV1.Switched, toV1.Reason);
        Assert.Equal((1, (int?)null), (toV1.ActiveVersion!.Value, toV1.PreviousVersion));
        var toV2 = await model.Switch(2, "better F1");
        Assert.True(toV2.Switched, toV2.Reason);
        Assert.Equal((2, (int?)1), (toV2.ActiveVersion!.Value, toV2.PreviousVersion));

        var back = await model.Rollback("v2 misbehaves");
        Assert.True(back.Switched, back.Reason);
        Assert.Equal(1, back.ActiveVersion);

        var info = await model.GetInfo();
        Assert.Equal(1, info.ActiveVersion);
        Assert.Equal([1, 2, 1], info.ActiveHistory);
        Assert.Equal(["first deployment", "better F1", "v2 misbehaves"], info.Activations!.Select(a => a.Reason));
        Assert.Equal(ModelActivation.RollbackKind, info.Activations![^1].Kind);
        Assert.Equal(1, info.Aliases["production"]);
        Assert.Equal(1, (await model.GetActiveVersion())!.Version.Version);

        // Nothing left to roll back to: refused, v1 stays.
        var again = await model.Rollback("once more");
        Assert.False(again.Switched);
        Assert.Contains("no previously active version", again.Reason);
        Assert.Equal(1, again.ActiveVersion);
    }

    [Fact]
    public async Task StagingIsAPointerWhileMovingProductionSwitches()
    {
        var model = NewModel();
        await model.RegisterVersion(fixture.WriteCheckpoint("alias-a.pt", seed: 3));
        await model.RegisterVersion(fixture.WriteCheckpoint("alias-b.pt", seed: 4));
        Assert.True((await model.SetAlias("production", 1, "launch")).Switched);

        var staging = await model.SetAlias("staging", 2, "candidate");
        Assert.False(staging.Switched);
        var info = await model.GetInfo();
        Assert.Equal(1, info.ActiveVersion);
        Assert.Equal(2, info.Aliases["staging"]);

        var promote = await model.SetAlias("production", 2, "promote staging");
        Assert.True(promote.Switched, promote.Reason);
        info = await model.GetInfo();
        Assert.Equal(2, info.ActiveVersion);
        Assert.Equal(2, info.Aliases["production"]);
        Assert.Equal(["production", "staging", "production"], info.AliasHistory!.Select(a => a.Alias));

        var unknown = await model.SetAlias("staging", 9, "typo");
        Assert.False(unknown.Switched);
        Assert.Contains("version 9", unknown.Reason);
    }

    [Fact]
    public async Task ATamperedCheckpointIsRefusedOnSwitchAndTheOldVersionKeepsServing()
    {
        var good = fixture.WriteCheckpoint("tamper-good.pt", seed: 5);
        var victim = fixture.WriteCheckpoint("tamper-victim.pt", seed: 6);
        var model = NewModel();
        await model.RegisterVersion(good);
        await model.RegisterVersion(victim);
        Assert.True((await model.Switch(1, "baseline")).Switched);

        // The version is a copy in the registry store: changing the original file does not touch it...
        var registered = (await model.GetInfo()).Versions.Single(v => v.Version == 2);
        Assert.NotEqual(Path.GetFullPath(victim), registered.CheckpointPath);
        File.WriteAllText(victim, "overwritten by a later training epoch");
        Assert.Equal(registered.Sha256, CheckpointFile.FileSha256(registered.CheckpointPath));

        // ...but altering the stored copy is caught before it could be served.
        var bytes = await File.ReadAllBytesAsync(registered.CheckpointPath);
        bytes[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(registered.CheckpointPath, bytes);

        var refused = await model.Switch(2, "try the tampered one");
        Assert.False(refused.Switched);
        Assert.True(refused.Refused);
        Assert.Contains("checksum", refused.Reason);
        Assert.Contains(Path.GetFileName(registered.CheckpointPath), refused.Reason);
        Assert.Equal(1, refused.ActiveVersion);
        Assert.Equal(1, (await model.GetInfo()).ActiveVersion);

        var modelName = model.GetPrimaryKeyString();
        var answer = await fixture.Grains.GetGrain<IPredictorGrain>(modelName).PredictOne(fixture.Sample);
        Assert.Equal(1, answer.Version);
    }

    [Fact]
    public async Task ACheckpointOfAnUnregisteredArchitectureIsRefused()
    {
        var model = NewModel();
        await model.RegisterVersion(fixture.WriteCheckpoint("known.pt", seed: 7));
        var orphan = await model.RegisterVersion(fixture.WriteCheckpoint("orphan.pt", seed: 8, architectureName: "gone_architecture"));
        Assert.Equal("gone_architecture", orphan.ArchitectureName);
        Assert.True((await model.Switch(1, "baseline")).Switched);

        var refused = await model.Switch(orphan.Version, "try the orphan");
        Assert.False(refused.Switched);
        Assert.Contains("gone_architecture", refused.Reason);
        Assert.Contains("not registered", refused.Reason);
        Assert.Equal(1, refused.ActiveVersion);

        var missing = await model.Switch(42, "no such version");
        Assert.False(missing.Switched);
        Assert.Contains("version 42", missing.Reason);
    }

    [Fact]
    public async Task RegisteringADamagedFileFailsNamingIt()
    {
        var path = Path.Combine(fixture.CheckpointFolder, "not-a-checkpoint.pt");
        Directory.CreateDirectory(fixture.CheckpointFolder);
        await File.WriteAllTextAsync(path, "these are not weights");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => NewModel().RegisterVersion(path));
        Assert.Contains("not-a-checkpoint.pt", error.Message);
        Assert.Contains("header", error.Message);
    }
}
