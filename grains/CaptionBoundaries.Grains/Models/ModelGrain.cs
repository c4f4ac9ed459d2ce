using CaptionBoundaries.Application.Checkpoints;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Grains.Models;

/// <summary>
/// A served model (key: its name). Registers checkpoint versions, decides which one is served and refuses
/// to serve one that fails validation: a refused switch leaves the previous version serving.
/// </summary>
public sealed class ModelGrain(
    [PersistentState("model", GrainStorageNames.Default)] IPersistentState<ModelState> state,
    ModelVersionValidator validator,
    ILogger<ModelGrain> logger) : Grain, IModelGrain
{
    public const string ProductionAlias = "production";

    private string Name => this.GetPrimaryKeyString();

    public async Task<ModelVersionInfo> RegisterVersion(string checkpointPath)
    {
        if (string.IsNullOrWhiteSpace(checkpointPath))
            throw new ArgumentException($"Model '{Name}': a checkpoint path is required to register a version.", nameof(checkpointPath));
        var path = Path.GetFullPath(checkpointPath);

        // Reading validates the checkpoint's own hash, so a damaged file never becomes a version.
        var (meta, sha) = await Task.Run(() =>
        {
            try
            {
                return (CheckpointFile.Read(path).Metadata, CheckpointFile.FileSha256(path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"Model '{Name}': cannot register '{path}': {e.Message}", nameof(checkpointPath));
            }
        });

        var current = state.State;
        var version = new ModelVersionInfo(current.NextVersion, path, sha, meta.ArchitectureName, meta.ExperimentId,
            meta.ValMacroF1, DateTime.UtcNow);
        await Save(current with { Versions = [.. current.Versions, version], NextVersion = current.NextVersion + 1 });
        logger.LogInformation("Model {Model}: registered version {Version} from {Path} (sha256 {Sha}).", Name, version.Version, path, sha);
        return version;
    }

    public Task<ModelInfo> GetInfo()
    {
        var s = state.State;
        return Task.FromResult(new ModelInfo(Name, s.Versions, s.ActiveVersion, new Dictionary<string, int>(s.Aliases),
            s.Activations.Select(a => a.Version).ToList(), s.Activations, s.AliasHistory));
    }

    public Task<ActiveModelVersion?> GetActiveVersion()
    {
        // Reads one reference, so interleaving with a switch sees either the old state or the new one, never a mix.
        var s = state.State;
        var active = s.ActiveVersion is { } v ? s.Find(v) : null;
        return Task.FromResult(active is null ? null : new ActiveModelVersion(Name, active, s.Activations.Count));
    }

    public Task<SwitchResult> Switch(int version, string reason) =>
        Activate(version, reason, ModelActivation.SwitchKind);

    public async Task<SwitchResult> Rollback(string reason)
    {
        var s = state.State;
        if (s.RollbackStack.Count == 0)
            return Refused(s, $"model '{Name}' has no previously active version to roll back to");
        return await Activate(s.RollbackStack[^1], reason, ModelActivation.RollbackKind);
    }

    public async Task<SwitchResult> SetAlias(string alias, int version, string reason)
    {
        alias = alias?.Trim().ToLowerInvariant() ?? "";
        if (alias.Length == 0)
            throw new ArgumentException($"Model '{Name}': an alias name is required (e.g. production, staging).", nameof(alias));
        if (alias == ProductionAlias)
            return await Activate(version, reason, ModelActivation.AliasKind);

        var s = state.State;
        if (s.Find(version) is null)
            return Refused(s, $"version {version} of model '{Name}' is not registered; registered: {Registered(s)}");
        await Save(WithAlias(s, alias, version, reason));
        return new SwitchResult(false, s.ActiveVersion, s.ActiveVersion, $"alias '{alias}' now points at version {version}; it does not change what is served");
    }

    private async Task<SwitchResult> Activate(int version, string reason, string kind)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? "(no reason given)" : reason.Trim();
        var s = state.State;
        var target = s.Find(version);
        if (target is null)
            return Refused(s, $"version {version} of model '{Name}' is not registered; registered: {Registered(s)}");

        // Validation builds a model and runs it: keep that CPU work off the silo's scheduler threads.
        var problem = await Task.Run(() => validator.FindProblem(target));
        if (problem is not null)
        {
            logger.LogWarning("Model {Model}: refused {Kind} to version {Version}: {Problem}", Name, kind, version, problem);
            return Refused(state.State, problem);
        }

        s = state.State;
        var previous = s.ActiveVersion;
        if (previous == version)
            return new SwitchResult(true, version, previous, $"version {version} is already active");

        List<int> stack = kind == ModelActivation.RollbackKind
            ? s.RollbackStack.GetRange(0, s.RollbackStack.Count - 1)
            : previous is { } p ? [.. s.RollbackStack, p] : s.RollbackStack;
        var next = s with
        {
            ActiveVersion = version,
            RollbackStack = stack,
            Activations = [.. s.Activations, new ModelActivation(version, previous, kind, reason, DateTime.UtcNow)],
        };
        // Production names what is served, whichever way the switch was asked for.
        await Save(WithAlias(next, ProductionAlias, version, reason));
        logger.LogInformation("Model {Model}: {Kind} from version {Previous} to {Version}: {Reason}", Name, kind, previous, version, reason);
        return new SwitchResult(true, version, previous, reason);
    }

    private static ModelState WithAlias(ModelState s, string alias, int version, string reason)
    {
        var before = s.Aliases.TryGetValue(alias, out var b) ? b : (int?)null;
        if (before == version) return s;
        return s with
        {
            Aliases = new Dictionary<string, int>(s.Aliases) { [alias] = version },
            AliasHistory = [.. s.AliasHistory, new AliasChange(alias, version, before, reason, DateTime.UtcNow)],
        };
    }

    private static SwitchResult Refused(ModelState s, string reason) =>
        new(false, s.ActiveVersion, s.ActiveVersion, reason);

    private static string Registered(ModelState s) =>
        s.Versions.Count == 0 ? "(none)" : string.Join(", ", s.Versions.Select(v => v.Version));

    private async Task Save(ModelState next)
    {
        var before = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // What is served must be what storage says; a failed write must not leave a switch half-done.
            state.State = before;
            throw;
        }
    }
}
