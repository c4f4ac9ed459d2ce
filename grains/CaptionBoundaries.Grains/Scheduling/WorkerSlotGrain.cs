namespace CaptionBoundaries.Grains.Scheduling;

/// <summary>A slot remembers who leased it, so a restarted cluster knows which runs were cut off.</summary>
public sealed class WorkerSlotGrain(
    [PersistentState("slot", GrainStorageNames.Default)] IPersistentState<WorkerSlotState> state) : Grain, IWorkerSlotGrain
{
    public Task<SlotInfo> GetInfo()
    {
        var key = this.GetPrimaryKeyString();
        return Task.FromResult(new SlotInfo(key, WorkerSlots.DeviceOf(key), state.State.ExperimentId, state.State.LeasedAtUtc));
    }

    public async Task Lease(Guid experimentId)
    {
        state.State = new WorkerSlotState { ExperimentId = experimentId, LeasedAtUtc = DateTime.UtcNow };
        await state.WriteStateAsync();
    }

    public async Task Release(Guid experimentId)
    {
        if (state.State.ExperimentId != experimentId) return;
        state.State = new WorkerSlotState();
        await state.WriteStateAsync();
    }
}
