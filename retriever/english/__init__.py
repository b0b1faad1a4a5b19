"""english"""
