"""Inputs: finding files (discover), reading records from them (readers), sniffing encodings (encoding), object stores (remote)."""
