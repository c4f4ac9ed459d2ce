using System.Text.Json;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Monitoring;
using CaptionBoundaries.Infrastructure.Registry;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace CaptionBoundaries.Grains.Models;

/// <summary>
/// A served model (key: its name). Registers checkpoint versions, decides which one is served and refuses
/// to serve one that fails validation: a refused switch leaves the previous version serving.
/// </summary>
public sealed partial class ModelGrain(
    [PersistentState("model", GrainStorageNames.Default)] IPersistentState<ModelState> state,
    ModelVersionValidator validator,
    CheckpointStore checkpoints,
    ModelRegistryStore registry,
    ReferenceProfiler references,
    ILogger<ModelGrain> logger) : Grain, IModelGrain
{
    public const string ProductionAlias = "production";
    public const string StagingAlias = "staging";

    private readonly ObserverManager<IModelObserver> _observers = new(TimeSpan.FromMinutes(5), logger);

    private string Name => this.GetPrimaryKeyString();

    public async Task<ModelVersionInfo> RegisterVersion(string checkpointPath, string source = ModelVersionSources.Upload, string actor = "unknown")
    {
        if (string.IsNullOrWhiteSpace(checkpointPath))
            throw DomainException.Invalid($"Model '{Name}': a checkpoint path is required to register a version.");
        var path = Path.GetFullPath(checkpointPath);

        // Reading validates the checkpoint's own hash, so a damaged file never becomes a version; the copy in the
        // content-addressed store keeps the version immutable whatever happens to the original file.
        var (stored, sha, meta) = await Task.Run(() =>
        {
            try
            {
                return checkpoints.Import(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw DomainException.Invalid($"Model '{Name}': cannot register '{path}': {e.Message}");
            }
        });

        // A checkpoint names its run in its own metadata, which anyone can write: only a version taken from a tracked
        // run's checkpoint (the handler found it) gets that run as lineage and as the source of its drift reference.
        Guid? experimentId = source == ModelVersionSources.Experiment ? meta.ExperimentId : null;
        var current = state.State;
        var version = new ModelVersionInfo(current.NextVersion, stored, sha, meta.ArchitectureName, experimentId,
            meta.ValMacroF1, DateTime.UtcNow);
        var notice = new ModelChangeNotice(Name, ModelChangeNotice.Register, version.Version, null, null, actor, $"registered from {path}", version.RegisteredAtUtc);
        await registry.RecordVersion(new RegisteredModelVersion
        {
            ModelName = Name,
            Version = version.Version,
            ModelType = meta.ArchitectureName,
            Source = source,
            ExperimentId = experimentId,
            CheckpointPath = stored,
            CheckpointSha256 = sha,
            InferenceConfigJson = JsonSerializer.Serialize(new
            {
                architecture = meta.ArchitectureName,
                model_config = meta.ModelConfig,
                image_height = meta.ImageHeight,
                image_width = meta.ImageWidth,
                classes = meta.Classes,
                embedder = meta.EmbedderName,
                embedder_version = meta.EmbedderVersion,
            }),
            ValMacroF1 = meta.ValMacroF1,
            CreatedBy = actor,
            CreatedAtUtc = version.RegisteredAtUtc,
        }, notice);
        await Save(current with { Versions = [.. current.Versions, version], NextVersion = current.NextVersion + 1 });
        Notify([notice]);
        await QueueReference(version, experimentId);
        logger.LogInformation("Model {Model}: registered version {Version} from {Path} (sha256 {Sha}).", Name, version.Version, path, sha);
        return version;
    }

    /// <summary>
    /// The version's monitoring reference is built in the background from its training run's validation split;
    /// a failure to queue it is logged and never fails the registration.
    /// </summary>
    private async Task QueueReference(ModelVersionInfo version, Guid? experimentId)
    {
        try
        {
            await references.EnqueueAsync(new ReferenceJob(Name, version.Version, version.CheckpointPath, experimentId));
        }
        catch (Exception e)
        {
            logger.LogWarning("Model {Model}: could not queue the reference profile of version {Version}: {Error}", Name, version.Version, e.Message);
        }
    }

    public Task<ModelInfo> GetInfo()
    {
        var s = state.State;
        return Task.FromResult(new ModelInfo(Name, s.Versions, s.ActiveVersion, new Dictionary<string, int>(s.Aliases),
            s.Activations.Select(a => a.Version).ToList(), s.Activations, s.AliasHistory, s.Archived, s.Split));
    }

    public Task<ActiveModelVersion?> GetActiveVersion()
    {
        // Reads one reference, so interleaving with a switch or a split change sees either the old state or the new one,
        // never a mix: the production version and the split travel in one answer.
        var s = state.State;
        var active = s.ActiveVersion is { } v ? s.Find(v) : null;
        return Task.FromResult(active is null ? null : new ActiveModelVersion(Name, active, s.Activations.Count, RouteOf(s), s.SplitRevision));
    }

    public Task<ModelVersionInfo?> GetServableVersion(int version)
    {
        var s = state.State;
        return Task.FromResult(s.Archived.Contains(version) ? null : s.Find(version));
    }

    public Task<SwitchResult> Switch(int version, string reason, string actor = "unknown") =>
        Activate(version, reason, ModelActivation.SwitchKind, actor);

    public async Task<SwitchResult> Rollback(string reason, string actor = "unknown")
    {
        var s = state.State;
        if (s.RollbackStack.Count == 0)
            return Refused(s, $"model '{Name}' has no previously active version to roll back to");
        return await Activate(s.RollbackStack[^1], reason, ModelActivation.RollbackKind, actor);
    }

    public Task<SwitchResult> SetAlias(string alias, int version, string reason, string actor = "unknown") =>
        AssignAlias(alias, version, reason, actor, move: true);

    public async Task<SwitchResult> AssignAlias(string alias, int version, string reason, string actor, bool move)
    {
        alias = alias?.Trim().ToLowerInvariant() ?? "";
        if (alias.Length == 0)
            throw DomainException.Invalid($"Model '{Name}': an alias name is required (e.g. production, staging).");
        var s = state.State;
        if (!move && s.Aliases.TryGetValue(alias, out var taken) && taken != version)
            throw DomainException.Invalid($"Alias '{alias}' of model '{Name}' is taken by version {taken}; move it explicitly to point it at version {version}.");
        if (alias == ProductionAlias)
            return await Activate(version, reason, ModelActivation.AliasKind, actor);

        if (s.Find(version) is null)
            return Refused(s, $"version {version} of model '{Name}' is not registered; registered: {Registered(s)}");
        if (s.Archived.Contains(version))
            return Refused(s, $"version {version} of model '{Name}' is archived and cannot be aliased");
        var (next, moved) = WithAlias(s, alias, version, reason, actor);
        await Save(next);
        await RecordAndNotify(moved);
        return new SwitchResult(false, s.ActiveVersion, s.ActiveVersion, $"alias '{alias}' now points at version {version}; it does not change what is served");
    }

    public async Task<SwitchResult> Promote(string fromAlias, string toAlias, string reason, string actor = "unknown")
    {
        fromAlias = string.IsNullOrWhiteSpace(fromAlias) ? StagingAlias : fromAlias.Trim().ToLowerInvariant();
        toAlias = string.IsNullOrWhiteSpace(toAlias) ? ProductionAlias : toAlias.Trim().ToLowerInvariant();
        var s = state.State;
        if (!s.Aliases.TryGetValue(fromAlias, out var version))
            return Refused(s, $"model '{Name}' has no '{fromAlias}' alias to promote");
        reason = string.IsNullOrWhiteSpace(reason) ? $"promoted {fromAlias} to {toAlias}" : reason;
        return toAlias == ProductionAlias
            ? await Activate(version, reason, ModelChangeNotice.Promote, actor)
            : await AssignAlias(toAlias, version, reason, actor, move: true);
    }

    public async Task<SwitchResult> Archive(int version, string reason, string actor = "unknown")
    {
        var s = state.State;
        if (s.Find(version) is null)
            return Refused(s, $"version {version} of model '{Name}' is not registered; registered: {Registered(s)}");
        if (s.ActiveVersion == version)
            return Refused(s, $"version {version} of model '{Name}' is being served; switch to another version before archiving it");
        if (s.Split is { } split && split.CandidateVersion == version)
            return Refused(s, $"version {version} of model '{Name}' is the {split.Mode} candidate; promote or abort the {split.Mode} before archiving it");
        var aliases = s.Aliases.Where(a => a.Value == version).Select(a => a.Key).ToList();
        if (aliases.Count > 0)
            return Refused(s, $"version {version} of model '{Name}' is pointed at by alias {string.Join(", ", aliases)}; move the alias first");
        if (s.Archived.Contains(version))
            return new SwitchResult(false, s.ActiveVersion, s.ActiveVersion, $"version {version} is already archived");
        reason = string.IsNullOrWhiteSpace(reason) ? "(no reason given)" : reason.Trim();
        await Save(s with { Archived = [.. s.Archived, version] });
        await RecordAndNotify([new ModelChangeNotice(Name, ModelChangeNotice.Archive, version, null, null, actor, reason, DateTime.UtcNow)]);
        return new SwitchResult(false, s.ActiveVersion, s.ActiveVersion, $"version {version} is archived");
    }

    public Task Subscribe(IModelObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IModelObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private async Task<SwitchResult> Activate(int version, string reason, string kind, string actor)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? "(no reason given)" : reason.Trim();
        var s = state.State;
        var target = s.Find(version);
        if (target is null)
            return Refused(s, $"version {version} of model '{Name}' is not registered; registered: {Registered(s)}");
        if (s.Archived.Contains(version))
            return Refused(s, $"version {version} of model '{Name}' is archived and cannot be served");

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
        // An activation asked for through the production alias is a switch; the alias move is its own change.
        var changeKind = kind == ModelActivation.AliasKind ? ModelChangeNotice.Switch : kind;
        // A running split compared its candidate with the version being replaced: whatever now serves, it ends here
        // (a promote ends it by its own change; anything else is recorded as the split's abort, before the switch).
        var (withoutSplit, ended) = EndSplitFor(next, previous, changeKind, version, reason, actor);
        // Production names what is served, whichever way the switch was asked for.
        var (withProduction, moved) = WithAlias(withoutSplit, ProductionAlias, version, reason, actor);
        await Save(withProduction);
        await RecordAndNotify([.. ended, new ModelChangeNotice(Name, changeKind, version, previous, null, actor, reason, DateTime.UtcNow), .. moved]);
        logger.LogInformation("Model {Model}: {Kind} from version {Previous} to {Version}: {Reason}", Name, kind, previous, version, reason);
        return new SwitchResult(true, version, previous, reason);
    }

    private (ModelState State, List<ModelChangeNotice> Moved) WithAlias(ModelState s, string alias, int version, string reason, string actor)
    {
        var before = s.Aliases.TryGetValue(alias, out var b) ? b : (int?)null;
        if (before == version) return (s, []);
        var at = DateTime.UtcNow;
        var next = s with
        {
            Aliases = new Dictionary<string, int>(s.Aliases) { [alias] = version },
            AliasHistory = [.. s.AliasHistory, new AliasChange(alias, version, before, reason, at)],
        };
        return (next, [new ModelChangeNotice(Name, ModelChangeNotice.AliasMoved, version, before, alias, actor, reason, at)]);
    }

    /// <summary>The registry history (with its webhook deliveries, in one SaveChanges) and the console observers hear of each change.</summary>
    private async Task RecordAndNotify(IReadOnlyList<ModelChangeNotice> changes)
    {
        await registry.RecordChanges(changes);
        Notify(changes);
    }

    private void Notify(IReadOnlyList<ModelChangeNotice> changes)
    {
        foreach (var change in changes)
        {
            _observers.Notify(o => o.OnChanged(change));
        }
    }

    private static SwitchResult Refused(ModelState s, string reason) =>
        new(false, s.ActiveVersion, s.ActiveVersion, reason, Refused: true);

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
