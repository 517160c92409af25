"""Writes a small MBTiles archive of raster tiles for the browser tests.

Each tile is a solid 256x256 PNG, in one of two colours by (x + y) % 2, so
tile edges show on the map and a test can read the colour back. Written with
the standard library only (sqlite3, zlib, struct): TEST DATA, not a map.

usage: make_mbtiles.py OUT.mbtiles MAX_ZOOM
"""
import sqlite3
import struct
import sys
import zlib

COLOURS = [(200, 60, 40), (40, 90, 200)]


def png(rgb, size=256):
    """A solid-colour RGB PNG."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * size
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(row * size, 9)) + chunk(b"IEND", b""))


def main():
    out, max_zoom = sys.argv[1], int(sys.argv[2])
    tiles = [png(c) for c in COLOURS]
    db = sqlite3.connect(out)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
    db.executemany("INSERT INTO metadata VALUES (?, ?)", [
        ("name", "Test checkerboard"), ("format", "png"), ("minzoom", "0"),
        ("maxzoom", str(max_zoom)), ("bounds", "-180,-85,180,85"),
        ("attribution", "TEST DATA"), ("type", "baselayer"),
    ])
    for z in range(max_zoom + 1):
        n = 1 << z
        for x in range(n):
            for y in range(n):
                # MBTiles rows count from the south (TMS).
                db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, n - 1 - y, tiles[(x + y) % 2]))
    db.commit()
    db.close()


if __name__ == "__main__":
    main()
