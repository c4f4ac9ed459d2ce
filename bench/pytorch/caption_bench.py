#!/usr/bin/python3
"""PyTorch peer of `caption-boundaries bench pytorch`.

The same model as the project's `shared_backbone_resnet50` architecture (plugins/CaptionBoundaries.Plugins.Architectures:
one torchvision-style ResNet-50 v1.5 backbone shared by ocr_viz, frame1 and frame2, run once over the three stacked on
the batch; the three pooled 2048 vectors, the 20 spatial features and the 64-wide font embedding feed an MLP head
6228 -> 1024 -> 512 -> 5 with ReLU and dropout), trained the way the project's Trainer trains it (AdamW, cross-entropy).
There is no torchvision here, so the network is written out.

Measures, with torch.set_num_threads(threads):
  * a raw training step (zero_grad, forward, cross-entropy, backward, AdamW step): median over timed steps after warm-up;
  * raw forward throughput (eval, no_grad) in samples/s at each requested batch size, from the median batch time.
Prints one JSON object on stdout.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SPATIAL_FEATURES = 20
FONT_EMBEDDING = 64
CLASSES = 5
EXPANSION = 4


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3 (carries the stride, "v1.5"), 1x1 expand by 4; projection on the residual when shape changes."""

    def __init__(self, in_channels, width, stride):
        super().__init__()
        out_channels = width * EXPANSION
        self.conv1 = nn.Conv2d(in_channels, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, out_channels, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU()
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False), nn.BatchNorm2d(out_channels))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class ResNet50Backbone(nn.Module):
    """(batch, 3, H, W) -> (batch, 2048) average-pooled features; no classifier."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        channels = 64
        stages = []
        for blocks, width, stride in ((3, 64, 1), (4, 128, 2), (6, 256, 2), (3, 512, 2)):
            layers = []
            for i in range(blocks):
                layers.append(Bottleneck(channels, width, stride if i == 0 else 1))
                channels = width * EXPANSION
            stages.append(nn.Sequential(*layers))
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        # The project's PlainConv: Kaiming normal, fan-out, ReLU.
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return torch.flatten(self.avgpool(x), 1)


class FusionHead(nn.Module):
    def __init__(self, pooled_features, dropout):
        super().__init__()
        self.fc1 = nn.Linear(pooled_features + SPATIAL_FEATURES + FONT_EMBEDDING, 1024)
        self.dropout1 = nn.Dropout(dropout)
        self.fc2 = nn.Linear(1024, 512)
        self.dropout2 = nn.Dropout(dropout)
        self.fc3 = nn.Linear(512, CLASSES)

    def forward(self, features):
        h = self.dropout1(F.relu(self.fc1(features)))
        h = self.dropout2(F.relu(self.fc2(h)))
        return self.fc3(h)


class SharedBackboneResNet50(nn.Module):
    def __init__(self, dropout=0.2):
        super().__init__()
        self.backbone = ResNet50Backbone()
        self.head = FusionHead(3 * 2048, dropout)

    def forward(self, frame1, frame2, ocr_viz, spatial, font):
        # As the C# model: one backbone pass over [ocr_viz, frame1, frame2] stacked on the batch.
        pooled = self.backbone(torch.cat([ocr_viz, frame1, frame2], 0))
        per_image = pooled.chunk(3, 0)
        return self.head(torch.cat([*per_image, spatial, font], 1))


def make_inputs(batch, size, generator, device):
    images = [torch.rand(batch, 3, size, size, generator=generator) for _ in range(3)]
    spatial = torch.rand(batch, SPATIAL_FEATURES, generator=generator)
    font = torch.randn(batch, FONT_EMBEDDING, generator=generator)
    labels = torch.randint(0, CLASSES, (batch,), generator=generator)
    return tuple(t.to(device) for t in (*images, spatial, font)), labels.to(device)


def time_train_steps(model, optimizer, inputs, labels, warmup, steps):
    model.train()
    times = []
    for i in range(warmup + steps):
        start = time.perf_counter()
        optimizer.zero_grad()
        loss = F.cross_entropy(model(*inputs), labels)
        loss.backward()
        optimizer.step()
        loss.item()  # the Trainer reads the loss every step too
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return times


def time_forward(model, inputs, warmup, repeats):
    model.eval()
    times = []
    with torch.no_grad():
        for i in range(warmup + repeats):
            start = time.perf_counter()
            torch.softmax(model(*inputs), 1).tolist()
            if i >= warmup:
                times.append(time.perf_counter() - start)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image-size", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--weight-decay", type=float, default=1e-2)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--forward-batch-sizes", default="1,16",
                        help="comma-separated batch sizes for the raw forward throughput")
    parser.add_argument("--forward-repeats", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    device = torch.device(args.device)
    model = SharedBackboneResNet50(args.dropout).to(device)
    parameters = sum(p.numel() for p in model.parameters())
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)

    inputs, labels = make_inputs(args.batch_size, args.image_size, generator, device)
    step_times = time_train_steps(model, optimizer, inputs, labels, args.warmup, args.steps)
    step_median = statistics.median(step_times)

    forward = []
    for batch in sorted({int(b) for b in args.forward_batch_sizes.split(",") if b.strip()}):
        batch_inputs, _ = make_inputs(batch, args.image_size, generator, device)
        times = time_forward(model, batch_inputs, args.warmup, args.forward_repeats)
        median = statistics.median(times)
        forward.append({"batch_size": batch, "median_seconds": median, "samples_per_second": batch / median,
                        "seconds": times})

    print(json.dumps({
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "device": str(device),
        "parameters": parameters,
        "image_size": args.image_size,
        "batch_size": args.batch_size,
        "train_step": {"median_seconds": step_median, "samples_per_second": args.batch_size / step_median,
                       "seconds": step_times},
        "forward": forward,
    }, separators=(",", ":")))


if __name__ == "__main__":
    main()
