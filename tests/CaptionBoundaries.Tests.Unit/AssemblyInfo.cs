// Tests run one at a time: TorchSharp's global random generator is process-wide (seeded runs must not
// interleave), and torch already uses both cores of the CI machine for each operation.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
