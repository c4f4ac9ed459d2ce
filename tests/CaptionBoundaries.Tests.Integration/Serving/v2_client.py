#!/usr/bin/env python3
"""A client of the Open Inference Protocol (KServe predict protocol v2) written from the protocol's text only:
KServe's docs/predict-api/v2/required_api.md (REST) and Triton's binary tensor data extension
(docs/protocol/extension_binary_data.md). Python standard library only; it knows nothing of the server's code.

It sends the samples of a CaptionBoundaries dataset folder (manifest.json + PNG files) to one model in one request
and writes what came back as JSON:

    python3 v2_client.py --url http://127.0.0.1:5080 --model captions --dataset data/datasets/demo --samples 0,1 \
        --images png --transport binary --binary-output --out answer.json      # token in $V2_TOKEN

--images png   : frame1/frame2/ocr_viz as BYTES [N], each element a PNG file's bytes
--images fp32  : the PNGs decoded here (zlib) to planar RGB FP32 [N, 3, H, W] in [0, 1]
--transport json   : every tensor in the JSON "data" (BYTES elements base64-encoded: PNG bytes are not UTF-8)
--transport binary : every tensor after the JSON object (Inference-Header-Content-Length, binary_data_size)
--binary-output    : ask for the outputs as binary too (binary_data_output)
"""
import argparse
import base64
import json
import os
import struct
import sys
import urllib.error
import urllib.request
import zlib


def fail(message):
    sys.stderr.write("v2_client: " + message + "\n")
    sys.exit(1)


def call(method, url, token, body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def get_json(url, token, expected=200):
    status, _, body = call("GET", url, token)
    if status != expected:
        fail("GET %s answered %d: %s" % (url, status, body[:300]))
    return json.loads(body) if body else None


# --- PNG decoding (RFC 2083): 8-bit greyscale/RGB/RGBA, not interlaced ------------------------------------------------

def decode_png(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("not a PNG file")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace != 0:
        fail("PNG with bit depth %d, colour type %d, interlace %d is not handled here" % (depth, colour, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, previous, at = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            upper_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                p = left + up - upper_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
                predictor = left if pa <= pb and pa <= pc else (up if pb <= pc else upper_left)
                line[i] = (line[i] + predictor) & 0xFF
        rows.append(line)
        previous = line
    # Planar RGB: all red values, then green, then blue; grey is repeated, alpha is dropped.
    planes = []
    for c in range(3):
        source = c if channels >= 3 else 0
        planes.extend(row[x * channels + source] / 255.0 for row in rows for x in range(width))
    return width, height, planes


# --- Request building ---------------------------------------------------------------------------------------------------

class Tensor:
    def __init__(self, name, datatype, shape, values):
        self.name, self.datatype, self.shape, self.values = name, datatype, shape, values

    def binary(self):
        if self.datatype == "FP32":
            return struct.pack("<%df" % len(self.values), *self.values)
        # BYTES: each element preceded by its length, a 4-byte little-endian unsigned integer.
        return b"".join(struct.pack("<I", len(v)) + v for v in self.values)

    def json_data(self):
        if self.datatype == "FP32":
            return list(self.values)
        return [base64.b64encode(v).decode("ascii") for v in self.values]


def build_inputs(dataset, indices, images):
    with open(os.path.join(dataset, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    samples = [manifest["samples"][i] for i in indices]
    n = len(samples)
    tensors = []
    for field in ("frame1", "frame2", "ocr_viz"):
        files = []
        for sample in samples:
            with open(os.path.join(dataset, sample[field]), "rb") as f:
                files.append(f.read())
        if images == "png":
            tensors.append(Tensor(field, "BYTES", [n], files))
        else:
            decoded = [decode_png(data) for data in files]
            width, height = decoded[0][0], decoded[0][1]
            if any(d[0] != width or d[1] != height for d in decoded):
                fail("the samples' images differ in size; FP32 [N, 3, H, W] needs one size")
            tensors.append(Tensor(field, "FP32", [n, 3, height, width], [v for d in decoded for v in d[2]]))
    tensors.append(Tensor("spatial_features", "FP32", [n, 20], [v for s in samples for v in s["spatial_features"]]))
    # The server documents four zeros as "this sample has no caption box" (a tensor has a row for every sample).
    if any(s.get("caption_box") for s in samples):
        tensors.append(Tensor("caption_box", "FP32", [n, 4], [v for s in samples for v in (s.get("caption_box") or [0, 0, 0, 0])]))
    return tensors


def infer(args, token, tensors):
    path = "/v2/models/%s%s/infer" % (args.model, "/versions/%s" % args.version if args.version else "")
    request = {"id": "v2-client-1", "inputs": [], "outputs": [{"name": "probabilities"}, {"name": "predicted_class"}]}
    parameters = {}
    if args.binary_output:
        parameters["binary_data_output"] = True
    if args.routing_key:
        parameters["routing_key"] = args.routing_key
    if parameters:
        request["parameters"] = parameters
    blobs = []
    for t in tensors:
        entry = {"name": t.name, "shape": t.shape, "datatype": t.datatype}
        if args.transport == "binary":
            blob = t.binary()
            entry["parameters"] = {"binary_data_size": len(blob)}
            blobs.append(blob)
        else:
            entry["data"] = t.json_data()
        request["inputs"].append(entry)
    header = json.dumps(request).encode("utf-8")
    if blobs:
        body = header + b"".join(blobs)
        headers = {"Content-Type": "application/octet-stream", "Inference-Header-Content-Length": str(len(header))}
    else:
        body, headers = header, {"Content-Type": "application/json"}
    status, response_headers, answer = call("POST", args.url + path, token, body, headers)
    if status != 200:
        fail("infer answered %d: %s" % (status, answer[:500]))
    return request, response_headers, answer


def parse_response(headers, answer):
    """The JSON object, then the binary outputs in output order (those with binary_data_size)."""
    length = next((v for k, v in headers.items() if k.lower() == "inference-header-content-length"), None)
    header_length = int(length) if length is not None else len(answer)
    response = json.loads(answer[:header_length])
    at = header_length
    values = {}
    for output in response["outputs"]:
        size = (output.get("parameters") or {}).get("binary_data_size")
        if size is None:
            values[output["name"]] = output["data"]
            continue
        blob, at = answer[at:at + size], at + size
        if output["datatype"] == "FP32":
            values[output["name"]] = list(struct.unpack("<%df" % (size // 4), blob))
        elif output["datatype"] == "BYTES":
            elements, i = [], 0
            while i < len(blob):
                (n,) = struct.unpack("<I", blob[i:i + 4])
                elements.append(blob[i + 4:i + 4 + n].decode("utf-8"))
                i += 4 + n
            values[output["name"]] = elements
        else:
            fail("unexpected output datatype " + output["datatype"])
    if at != len(answer):
        fail("%d bytes after the last binary output" % (len(answer) - at))
    return response, values


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--version")
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--samples", default="0")
    parser.add_argument("--images", choices=["png", "fp32"], default="png")
    parser.add_argument("--transport", choices=["json", "binary"], default="json")
    parser.add_argument("--binary-output", action="store_true")
    parser.add_argument("--routing-key")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    token = os.environ.get("V2_TOKEN")
    args.url = args.url.rstrip("/")

    # Health and server metadata, as a client checks them before sending work.
    if call("GET", args.url + "/v2/health/live", None)[0] != 200:
        fail("the server is not live")
    server = get_json(args.url + "/v2", token)
    if args.transport == "binary" or args.binary_output:
        if "binary_tensor_data" not in server.get("extensions", []):
            fail("the server does not list the binary_tensor_data extension: %s" % server)
    metadata = get_json(args.url + "/v2/models/%s%s" % (args.model, "/versions/%s" % args.version if args.version else ""), token)
    taken = {t["name"]: t for t in metadata["inputs"]}
    given = {t["name"]: t for t in metadata["outputs"]}
    for name in ("frame1", "frame2", "ocr_viz", "spatial_features"):
        if name not in taken:
            fail("the model does not take input %s: %s" % (name, metadata))
    if given.get("probabilities", {}).get("datatype") != "FP32" or "predicted_class" not in given:
        fail("unexpected outputs: %s" % metadata["outputs"])

    indices = [int(i) for i in args.samples.split(",")]
    tensors = build_inputs(args.dataset, indices, args.images)
    _, headers, answer = infer(args, token, tensors)
    response, values = parse_response(headers, answer)
    n = len(indices)
    if response.get("id") != "v2-client-1":
        fail("the response does not carry the request's id: %s" % response.get("id"))
    shapes = {o["name"]: (o["datatype"], o["shape"]) for o in response["outputs"]}
    if shapes.get("probabilities") != ("FP32", [n, 5]) or shapes.get("predicted_class") != ("BYTES", [n]):
        fail("unexpected output shapes: %s" % shapes)
    probabilities = values["probabilities"]
    if len(probabilities) != n * 5:
        fail("%d probabilities for %d samples" % (len(probabilities), n))
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({
            "model_name": response["model_name"],
            "model_version": response.get("model_version"),
            "binary_output": "inference-header-content-length" in {k.lower() for k in headers},
            "probabilities": [probabilities[i * 5:(i + 1) * 5] for i in range(n)],
            "predicted_class": values["predicted_class"],
        }, f)


if __name__ == "__main__":
    main()
